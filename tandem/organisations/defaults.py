"""The taxonomy every new organisation starts with; org admins edit it afterwards."""

CAREER_LEVELS = [
    "Intern",
    "Junior",
    "Associate",
    "Senior",
    "Lead",
    "Manager",
    "Director",
    "Executive",
]

DEPARTMENTS = [
    "Engineering",
    "Product",
    "Design",
    "Data",
    "Sales",
    "Marketing",
    "Customer Success",
    "Finance",
    "People",
    "Operations",
    "Legal",
]

SKILLS: dict[str, list[str]] = {
    "Leadership": [
        "People management",
        "Coaching",
        "Strategic thinking",
        "Decision making",
        "Leading change",
        "Hiring and interviewing",
        "Delegation",
    ],
    "Communication": [
        "Public speaking",
        "Writing",
        "Negotiation",
        "Stakeholder management",
        "Giving feedback",
        "Storytelling",
    ],
    "Technology": [
        "Python",
        "JavaScript",
        "Cloud infrastructure",
        "Machine learning",
        "Data analysis",
        "Security",
        "System design",
        "Generative AI",
        "Mobile development",
    ],
    "Business": [
        "Product management",
        "Project management",
        "Financial planning",
        "Sales strategy",
        "Marketing strategy",
        "Customer research",
        "Operations excellence",
        "Entrepreneurship",
    ],
    "Career": [
        "Career planning",
        "Networking",
        "Personal branding",
        "Work-life balance",
        "Getting promoted",
        "Returning to work",
    ],
    "Design": ["User experience", "Visual design", "Design systems"],
}

COMPETENCIES = [
    "Leadership",
    "Communication",
    "Collaboration",
    "Problem solving",
    "Strategic thinking",
    "Emotional intelligence",
    "Accountability",
    "Adaptability",
]

WORK_VALUES = [
    "Integrity",
    "Growth",
    "Curiosity",
    "Collaboration",
    "Impact",
    "Autonomy",
    "Diversity and inclusion",
    "Work-life balance",
    "Excellence",
    "Innovation",
    "Service",
    "Transparency",
    "Recognition",
    "Stability",
    "Sustainability",
]
