"""What the demo organisation is made of: places, names, titles and words.

Plain tables only — `tandem.people.demo` turns them into people. Everything is a tuple or a dict
(never a set) so that drawing from them with a seeded `random.Random` gives the same people on
every machine. Skill, value and department names match `tandem.organisations.defaults`.
"""

from __future__ import annotations

from dataclasses import dataclass

ORGANISATION_NAME = "Northwind Group"
ORGANISATION_SLUG = "northwind"
EMAIL_DOMAIN = "northwind.example"


@dataclass(frozen=True)
class Hub:
    city: str
    country: str
    time_zone: str
    weight: int  # relative head count
    pool: str  # the name pool most locals are drawn from
    local_languages: tuple[str, ...] = ()  # ISO 639-1 codes spoken locally besides English
    cosmopolitan: float = 0.25  # share of people drawn from any other name pool


HUBS: tuple[Hub, ...] = (
    Hub("London", "United Kingdom", "Europe/London", 14, "anglo", cosmopolitan=0.45),
    Hub("Dublin", "Ireland", "Europe/Dublin", 4, "irish", cosmopolitan=0.35),
    Hub("Berlin", "Germany", "Europe/Berlin", 8, "german", ("de",), 0.35),
    Hub("Paris", "France", "Europe/Paris", 5, "french", ("fr",)),
    Hub("Madrid", "Spain", "Europe/Madrid", 4, "spanish", ("es",)),
    Hub("Lisbon", "Portugal", "Europe/Lisbon", 3, "portuguese", ("pt",)),
    Hub("Warsaw", "Poland", "Europe/Warsaw", 4, "polish", ("pl",), 0.1),
    Hub("Stockholm", "Sweden", "Europe/Stockholm", 3, "swedish", ("sv",)),
    Hub("Istanbul", "Türkiye", "Europe/Istanbul", 2, "turkish", ("tr",), 0.1),
    Hub("Lagos", "Nigeria", "Africa/Lagos", 3, "nigerian", ("yo",), 0.1),
    Hub("Nairobi", "Kenya", "Africa/Nairobi", 3, "kenyan", ("sw",), 0.1),
    Hub("Dubai", "United Arab Emirates", "Asia/Dubai", 2, "arabic", ("ar",), 0.5),
    Hub("Bengaluru", "India", "Asia/Kolkata", 8, "indian", ("hi",), 0.05),
    Hub("Singapore", "Singapore", "Asia/Singapore", 4, "chinese", ("zh", "ms"), 0.35),
    Hub("Manila", "Philippines", "Asia/Manila", 3, "filipino", ("tl",), 0.05),
    Hub("Tokyo", "Japan", "Asia/Tokyo", 3, "japanese", ("ja",), 0.1),
    Hub("Seoul", "South Korea", "Asia/Seoul", 2, "korean", ("ko",), 0.05),
    Hub("Sydney", "Australia", "Australia/Sydney", 3, "anglo", cosmopolitan=0.4),
    Hub("Toronto", "Canada", "America/Toronto", 4, "anglo", ("fr",), 0.5),
    Hub("New York", "United States", "America/New_York", 10, "anglo", ("es",), 0.5),
    Hub("Chicago", "United States", "America/Chicago", 3, "anglo", cosmopolitan=0.4),
    Hub("Denver", "United States", "America/Denver", 2, "anglo", cosmopolitan=0.3),
    Hub("San Francisco", "United States", "America/Los_Angeles", 5, "anglo", cosmopolitan=0.55),
    Hub("Mexico City", "Mexico", "America/Mexico_City", 3, "mexican", ("es",), 0.1),
    Hub("São Paulo", "Brazil", "America/Sao_Paulo", 4, "brazilian", ("pt",), 0.1),
)


@dataclass(frozen=True)
class NamePool:
    first: tuple[str, ...]
    last: tuple[str, ...]
    heritage_language: str = ""  # ISO code people from this pool often speak at home


NAME_POOLS: dict[str, NamePool] = {
    "anglo": NamePool(
        ("Oliver", "Emma", "James", "Charlotte", "Noah", "Amelia", "Liam", "Grace", "Ethan", "Sophie",
         "Jack", "Chloe", "Henry", "Ava", "Samuel", "Hannah", "Daniel", "Olivia", "Isaac", "Ruby"),
        ("Smith", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Hughes", "Clarke", "Turner", "Bennett",
         "Campbell", "Mitchell", "Harris", "Cooper", "Reed", "Parker", "Morgan", "Foster", "Hayes", "Ward"),
    ),
    "irish": NamePool(
        ("Aoife", "Ciarán", "Niamh", "Seán", "Siobhán", "Darragh", "Róisín", "Eoin", "Saoirse", "Cian"),
        ("O'Brien", "Byrne", "Kelly", "Walsh", "Doyle", "Gallagher", "Kavanagh", "Nolan", "Brennan", "Quinn"),
    ),
    "german": NamePool(
        ("Lukas", "Anna", "Felix", "Lena", "Jonas", "Marie", "Paul", "Mia", "Maximilian", "Leonie",
         "Tobias", "Katharina", "Jan", "Johanna"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Wagner", "Koch",
         "Richter", "Wolf", "Neumann", "Braun", "Krüger"),
        "de",
    ),
    "french": NamePool(
        ("Camille", "Louis", "Chloé", "Hugo", "Manon", "Théo", "Léa", "Julien", "Inès", "Antoine",
         "Margaux", "Mathis"),
        ("Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Lefèvre", "Girard", "Roux", "Fournier",
         "Mercier", "Bonnet", "Lambert"),
        "fr",
    ),
    "spanish": NamePool(
        ("Lucía", "Javier", "Carmen", "Alejandro", "Marta", "Pablo", "Elena", "Sergio", "Paula", "Álvaro",
         "Irene", "Adrián"),
        ("García", "Fernández", "López", "Martínez", "Sánchez", "Romero", "Navarro", "Torres", "Ruiz",
         "Ortega", "Castillo", "Delgado"),
        "es",
    ),
    "mexican": NamePool(
        ("Sofía", "Mateo", "Valentina", "Santiago", "Ximena", "Emiliano", "Regina", "Diego", "Camila",
         "Leonardo", "Fernanda", "Rodrigo"),
        ("Hernández", "González", "Ramírez", "Flores", "Cruz", "Reyes", "Morales", "Jiménez", "Vargas",
         "Mendoza", "Aguilar", "Guerrero"),
        "es",
    ),
    "portuguese": NamePool(
        ("João", "Inês", "Tiago", "Beatriz", "Rui", "Mariana", "Diogo", "Catarina", "Miguel", "Sofia"),
        ("Silva", "Santos", "Ferreira", "Pereira", "Costa", "Martins", "Sousa", "Gonçalves", "Lopes",
         "Marques"),
        "pt",
    ),
    "brazilian": NamePool(
        ("Gabriel", "Ana", "Pedro", "Larissa", "Lucas", "Juliana", "Rafael", "Camila", "Thiago", "Fernanda",
         "Bruno", "Letícia"),
        ("Oliveira", "Souza", "Rodrigues", "Almeida", "Carvalho", "Ribeiro", "Lima", "Araújo", "Barbosa",
         "Rocha", "Nascimento", "Cardoso"),
        "pt",
    ),
    "polish": NamePool(
        ("Jakub", "Zofia", "Kacper", "Maja", "Piotr", "Agnieszka", "Tomasz", "Katarzyna", "Michał",
         "Aleksandra"),
        ("Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Zając", "Król", "Wróbel", "Dudek", "Pawlak"),
        "pl",
    ),
    "swedish": NamePool(
        ("Erik", "Astrid", "Oskar", "Elsa", "Gustav", "Ingrid", "Nils", "Freja", "Axel", "Saga"),
        ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Lindqvist", "Berg",
         "Holm", "Sundberg"),
        "sv",
    ),
    "turkish": NamePool(
        ("Elif", "Emre", "Zeynep", "Mehmet", "Ayşe", "Burak", "Selin", "Can", "Deniz", "Ece"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk", "Arslan", "Doğan", "Koç"),
        "tr",
    ),
    "nigerian": NamePool(
        ("Chinedu", "Ngozi", "Oluwaseun", "Adaeze", "Tunde", "Funmilayo", "Emeka", "Amara", "Kelechi",
         "Yewande", "Ifeoma", "Segun"),
        ("Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Adebayo", "Nwosu", "Ogunleye", "Obi", "Afolabi",
         "Bello", "Nnamdi"),
        "yo",
    ),
    "kenyan": NamePool(
        ("Wanjiru", "Brian", "Achieng", "Kevin", "Njeri", "Collins", "Akinyi", "Faith", "Mercy", "Dennis"),
        ("Kamau", "Otieno", "Mwangi", "Odhiambo", "Kiprono", "Wanjala", "Chege", "Omondi", "Mutua",
         "Njoroge"),
        "sw",
    ),
    "arabic": NamePool(
        ("Omar", "Layla", "Yousef", "Fatima", "Karim", "Noor", "Hassan", "Mariam", "Tariq", "Rania"),
        ("Haddad", "Al-Mansouri", "Nasser", "Khalil", "Saleh", "Farouk", "Hamdan", "Aziz", "Rahman",
         "Qasim"),
        "ar",
    ),
    "indian": NamePool(
        ("Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Kavya", "Arjun", "Divya", "Siddharth", "Meera",
         "Karthik", "Lakshmi", "Neha", "Rahul"),
        ("Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Rao", "Menon", "Krishnan", "Desai",
         "Banerjee", "Kulkarni", "Joshi", "Pillai"),
        "hi",
    ),
    "chinese": NamePool(
        ("Wei Ling", "Jun Jie", "Hui Min", "Zhi Hao", "Xin Yi", "Jia Hao", "Mei Ling", "Kai Wen", "Shu Fen",
         "Yong Sheng"),
        ("Tan", "Lim", "Lee", "Ng", "Wong", "Goh", "Chua", "Teo", "Chen", "Ong"),
        "zh",
    ),
    "filipino": NamePool(
        ("Maria", "Jose", "Angelica", "Mark", "Kristine", "Paolo", "Camille", "Miguel", "Patricia", "Carlo"),
        ("Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Villanueva", "Dela Cruz", "Ramos",
         "Aquino"),
        "tl",
    ),
    "japanese": NamePool(
        ("Haruto", "Yui", "Ren", "Sakura", "Sota", "Aoi", "Kenji", "Yuki", "Daiki", "Mio"),
        ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi",
         "Kato"),
        "ja",
    ),
    "korean": NamePool(
        ("Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Ji-woo", "Hyun-woo", "Soo-ah"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon"),
        "ko",
    ),
}  # fmt: skip

# Languages people pick up besides English and their own.
SECOND_LANGUAGES = ("es", "fr", "de", "pt", "it", "zh", "ja", "ar", "nl")


@dataclass(frozen=True)
class DepartmentPlan:
    name: str
    weight: int  # share of the head count, in percent
    owner: str  # key of the executive it reports to
    function: str  # shown as "industry or function"
    specialities: tuple[str, ...]  # individual-contributor job titles, before seniority
    manager_title: str
    core_skills: tuple[str, ...]  # the department's own skills, most common first
    headlines: tuple[str, ...]
    directors: int = 1


DEPARTMENTS: tuple[DepartmentPlan, ...] = (
    DepartmentPlan(
        "Engineering", 26, "cto", "Software engineering",
        ("Software Engineer", "Backend Engineer", "Frontend Engineer", "Site Reliability Engineer",
         "Mobile Engineer", "Security Engineer", "QA Engineer"),
        "Engineering Manager",
        ("Python", "JavaScript", "System design", "Cloud infrastructure", "Security", "Mobile development",
         "Generative AI", "Machine learning"),
        ("Backend engineer who likes boring, reliable systems", "Making our apps fast on slow networks",
         "Keeping the route planner up at 3 a.m. so nobody else has to", "Security-minded engineer",
         "Turning warehouse scanners into friendly mobile apps", "Testing is a design activity",
         "Platform engineer, incident commander, occasional pianist"),
        directors=2,
    ),
    DepartmentPlan(
        "Data", 7, "cto", "Data and analytics",
        ("Data Analyst", "Data Scientist", "Analytics Engineer", "Machine Learning Engineer"),
        "Data Science Manager",
        ("Data analysis", "Machine learning", "Python", "Generative AI", "Storytelling"),
        ("Forecasting demand before it happens", "Turning messy data into decisions",
         "Analytics engineer: one source of truth", "Building the models behind delivery estimates"),
    ),
    DepartmentPlan(
        "Product", 6, "cpo", "Product management",
        ("Product Manager", "Product Owner", "Product Operations Specialist"),
        "Group Product Manager",
        ("Product management", "Customer research", "Stakeholder management", "Storytelling",
         "Data analysis"),
        ("Product manager for carrier tools", "Obsessed with the customer's first ten minutes",
         "Saying no to good ideas so great ones ship", "Product ops: making planning painless"),
    ),
    DepartmentPlan(
        "Design", 5, "cpo", "Design",
        ("Product Designer", "UX Researcher", "Content Designer", "Visual Designer"),
        "Design Manager",
        ("User experience", "Visual design", "Design systems", "Customer research", "Writing"),
        ("Designing for drivers wearing gloves", "Research first, pixels second",
         "Looking after our design system", "Words are interface too"),
    ),
    DepartmentPlan(
        "Sales", 14, "cro", "B2B sales",
        ("Account Executive", "Sales Development Representative", "Solutions Consultant",
         "Account Manager"),
        "Sales Manager",
        ("Negotiation", "Sales strategy", "Public speaking", "Stakeholder management", "Networking"),
        ("Helping retailers ship faster", "Enterprise sales across EMEA",
         "Solutions consultant and demo nerd", "Building long partnerships, not one-off deals"),
        directors=2,
    ),
    DepartmentPlan(
        "Marketing", 8, "cro", "Marketing",
        ("Marketing Specialist", "Content Marketer", "Product Marketing Manager", "Growth Marketer",
         "Brand Designer"),
        "Marketing Manager",
        ("Marketing strategy", "Writing", "Storytelling", "Personal branding", "Data analysis"),
        ("Telling the Northwind story", "Growth marketer who loves a clean experiment",
         "Product marketing for the planning suite", "Content, community and events"),
    ),
    DepartmentPlan(
        "Customer Success", 11, "cro", "Customer success",
        ("Customer Success Manager", "Support Specialist", "Implementation Consultant",
         "Technical Account Manager"),
        "Customer Success Lead",
        ("Stakeholder management", "Customer research", "Negotiation", "Project management",
         "Giving feedback"),
        ("Getting new customers live in weeks, not months", "Support specialist and knowledge-base gardener",
         "The customer's voice inside Northwind", "Technical account manager for our largest carriers"),
    ),
    DepartmentPlan(
        "Finance", 6, "cfo", "Finance",
        ("Financial Analyst", "Accountant", "Payroll Specialist", "FP&A Analyst"),
        "Finance Manager",
        ("Financial planning", "Data analysis", "Negotiation", "Decision making"),
        ("Making the numbers make sense", "FP&A: planning with the business, not for it",
         "Closing the books in five days"),
    ),
    DepartmentPlan(
        "People", 6, "cpeo", "Human resources",
        ("People Partner", "Recruiter", "Learning Specialist", "People Operations Specialist"),
        "People Partner Manager",
        ("Coaching", "Hiring and interviewing", "Giving feedback", "Career planning", "Work-life balance"),
        ("Helping managers grow great teams", "Recruiter: finding people who raise the bar",
         "Learning and development", "People ops, with empathy and spreadsheets"),
    ),
    DepartmentPlan(
        "Operations", 7, "coo", "Operations",
        ("Operations Analyst", "Program Manager", "Logistics Coordinator", "Procurement Specialist"),
        "Operations Manager",
        ("Operations excellence", "Project management", "Decision making", "Leading change"),
        ("Keeping 40 warehouses in sync", "Program manager for network expansion",
         "Procurement with a sustainability lens", "Lean operations, calm people"),
    ),
    DepartmentPlan(
        "Legal", 4, "cfo", "Legal",
        ("Legal Counsel", "Paralegal", "Compliance Specialist", "Privacy Counsel"),
        "Legal Manager",
        ("Negotiation", "Writing", "Stakeholder management", "Decision making"),
        ("Contracts that people can actually read", "Privacy counsel", "Compliance without the drama"),
    ),
)  # fmt: skip

# key -> (job title, department)
EXECUTIVES: dict[str, tuple[str, str]] = {
    "ceo": ("Chief Executive Officer", "Operations"),
    "cto": ("Chief Technology Officer", "Engineering"),
    "cpo": ("Chief Product Officer", "Product"),
    "cro": ("Chief Revenue Officer", "Sales"),
    "cfo": ("Chief Financial Officer", "Finance"),
    "coo": ("Chief Operating Officer", "Operations"),
    "cpeo": ("Chief People Officer", "People"),
}
DIRECTOR_AREAS: dict[str, tuple[str, ...]] = {
    "Engineering": ("Platform", "Product Engineering"),
    "Sales": ("EMEA", "Americas and APAC"),
}

# Career ranks (1 Intern … 8 Executive) of individual contributors, with their shares.
IC_RANKS = (1, 2, 3, 4, 5)
IC_RANK_WEIGHTS = (6, 20, 30, 27, 17)
REPORTS_PER_MANAGER = 8
# Rank -> (title prefix or suffix). Associates carry the plain title.
RANK_TITLE = {1: "{} Intern", 2: "Junior {}", 3: "{}", 4: "Senior {}", 5: "Lead {}"}
YEARS_BY_RANK = {
    1: (0, 1),
    2: (1, 3),
    3: (2, 6),
    4: (5, 12),
    5: (7, 15),
    6: (8, 18),
    7: (12, 25),
    8: (15, 30),
}
# Chance, by rank, of being open to mentor / seeking mentorship: about a third each overall.
OPEN_TO_MENTOR = {1: 0.0, 2: 0.08, 3: 0.2, 4: 0.45, 5: 0.6, 6: 0.6, 7: 0.55, 8: 0.45}
SEEKING = {1: 0.6, 2: 0.5, 3: 0.4, 4: 0.25, 5: 0.2, 6: 0.25, 7: 0.1, 8: 0.05}

LEADERSHIP_SKILLS = (
    "People management",
    "Coaching",
    "Hiring and interviewing",
    "Delegation",
    "Strategic thinking",
    "Leading change",
    "Decision making",
    "Giving feedback",
)
GENERAL_SKILLS = (
    "Writing",
    "Public speaking",
    "Project management",
    "Data analysis",
    "Stakeholder management",
    "Networking",
    "Negotiation",
    "Storytelling",
)
# What people want to grow in, by career stage.
GOALS_EARLY = (
    "Career planning",
    "Public speaking",
    "Writing",
    "Networking",
    "Getting promoted",
    "Personal branding",
    "Giving feedback",
    "Stakeholder management",
)
GOALS_MID = (
    "People management",
    "Coaching",
    "Stakeholder management",
    "Strategic thinking",
    "Public speaking",
    "Negotiation",
    "Storytelling",
    "Product management",
    "Leading change",
    "Work-life balance",
)
GOALS_SENIOR = (
    "Strategic thinking",
    "Leading change",
    "Decision making",
    "Financial planning",
    "Storytelling",
    "Delegation",
    "Entrepreneurship",
    "Generative AI",
    "Work-life balance",
)
GOAL_TEXTS_EARLY = (
    "I want to get better at {goal} and understand what the path to {next_title} looks like.",
    (
        "Looking for someone who has been through their first years in {function} and can help me "
        "decide what to learn next."
    ),
    "Aiming for {next_title} within a year; {goal} is the gap my manager pointed out.",
    "I'd love a sounding board for my career plan, and practical tips on {goal}.",
    "Build confidence with {goal}: I'd like to present our team's work at the next all-hands.",
)
GOAL_TEXTS_MID = (
    "Preparing to step into people management: how to run one-to-ones, give feedback and grow a team.",
    "I want to broaden beyond {function}, especially {goal}, so I can lead cross-team projects.",
    "Be more visible outside my team: {goal}, writing about our work, speaking at internal events.",
    "Deciding between the manager track and the expert track; I'd value talking to people who chose each.",
    "Sharpen my {goal} so I can own bigger, more ambiguous problems.",
)
GOAL_TEXTS_SENIOR = (
    "Lead through our next stage of growth: {goal}, and building leaders under me.",
    "Communicate strategy so that everyone, not only my teams, knows why we do what we do.",
    "Learn from leaders outside {function}; I want a wider view of how the business runs.",
    "Get better at {goal} as my teams spread across more time zones.",
    "Build a succession plan and coach my managers into their next role.",
)
# "Before Northwind, I …" — bios are written in the first person.
BIO_BEFORE = (
    "spent five years in logistics consulting",
    "worked at a fintech start-up in its scrappy early days",
    "taught secondary-school maths",
    "ran a small family business",
    "studied economics and never looked back",
    "worked on a warehouse floor, which still shapes how I work",
    "moved countries twice for work",
    "freelanced for several agencies",
    "did a PhD that I rarely mention",
    "joined straight from university as an intern",
    "worked in retail operations",
    "spent a decade at a global carrier",
)
BIO_HOBBIES = (
    "long-distance running",
    "baking bread",
    "bouldering",
    "choir singing",
    "board games",
    "growing tomatoes on a balcony",
    "photography",
    "cycling to work in any weather",
    "learning the piano",
    "volunteering at a food bank",
    "chess",
    "amateur astronomy",
    "football on Sundays",
    "pottery",
    "reading science fiction",
)
VALUE_WEIGHTS: dict[str, int] = {
    "Growth": 9,
    "Collaboration": 8,
    "Integrity": 8,
    "Curiosity": 6,
    "Impact": 6,
    "Work-life balance": 6,
    "Transparency": 5,
    "Autonomy": 5,
    "Excellence": 4,
    "Innovation": 4,
    "Diversity and inclusion": 4,
    "Service": 3,
    "Recognition": 2,
    "Stability": 2,
    "Sustainability": 3,
}
