"""Program templates that prefill a new program for common cases."""

from __future__ import annotations

from typing import Any

# Criterion weights use the matchmaker score model's criterion names.
PROGRAM_TEMPLATES: dict[str, dict[str, Any]] = {
    "onboarding": {
        "label": "New-joiner onboarding",
        "name": "New-joiner onboarding buddies",
        "description": "Pair every new joiner with an experienced colleague for their first six months: "
        "how things work here, who to know, and a safe person to ask.",
        "kind": "one_to_one",
        "matching_mode": "admin_bulk",
        "default_cadence": "fortnightly",
        "require_different_department": False,
        "min_level_gap": 1,
        "max_level_gap": 3,
        "criteria_weights": {
            "goals": 5,
            "values": 4,
            "industry": 6,
            "level": 5,
            "timezone": 8,
            "availability": 5,
            "language": 6,
            "preferences": 2,
        },
        "goal_templates": [
            {
                "title": "Know the organisation",
                "description": "Understand teams, products and how decisions are made.",
                "milestones": [
                    "Map the teams I work with",
                    "Meet five people outside my team",
                    "Explain our strategy",
                ],
            },
        ],
    },
    "women_in_leadership": {
        "label": "Women in leadership",
        "name": "Women in leadership",
        "description": "Senior leaders mentor women preparing for their next leadership step: visibility, "
        "sponsorship and leadership feedback.",
        "kind": "one_to_one",
        "matching_mode": "hybrid",
        "default_cadence": "monthly",
        "require_different_department": True,
        "min_level_gap": 2,
        "max_level_gap": 5,
        "criteria_weights": {
            "goals": 9,
            "values": 6,
            "industry": 3,
            "level": 6,
            "timezone": 4,
            "availability": 4,
            "language": 5,
            "preferences": 5,
        },
        "goal_templates": [
            {
                "title": "Prepare for the next role",
                "description": "Agree the target role and close the gaps.",
                "milestones": [
                    "Name the target role",
                    "Get feedback from three stakeholders",
                    "Lead a visible initiative",
                ],
            },
        ],
    },
    "reverse_tech": {
        "label": "Reverse tech mentoring",
        "name": "Reverse mentoring: technology and trends",
        "description": "Early-career experts teach senior leaders new technology, tools and trends.",
        "kind": "reverse",
        "matching_mode": "admin_bulk",
        "default_cadence": "monthly",
        "require_different_department": True,
        "min_level_gap": 2,
        "max_level_gap": 7,
        "criteria_weights": {
            "goals": 10,
            "values": 3,
            "industry": 1,
            "level": 5,
            "timezone": 5,
            "availability": 4,
            "language": 5,
            "preferences": 3,
        },
        "goal_templates": [
            {
                "title": "Use a new tool weekly",
                "description": "Adopt one new technology in daily work.",
                "milestones": ["Pick the tool", "Use it for a real task", "Teach it to my team"],
            },
        ],
    },
    "peer_circles": {
        "label": "Peer circles",
        "name": "Peer mentoring circles",
        "description": "Colleagues at the same career stage pair up to grow together "
        "and hold each other accountable.",
        "kind": "peer",
        "matching_mode": "admin_bulk",
        "default_cadence": "fortnightly",
        "require_different_department": True,
        "min_level_gap": 0,
        "max_level_gap": 1,
        "criteria_weights": {
            "goals": 7,
            "values": 7,
            "industry": 2,
            "level": 8,
            "timezone": 6,
            "availability": 5,
            "language": 6,
            "preferences": 2,
        },
        "goal_templates": [],
    },
    "industry_engineering": {
        "label": "Engineering career ladder (industry-specific)",
        "name": "Engineering career mentoring",
        "description": "Senior engineers mentor engineers on technical depth, system design "
        "and career growth.",
        "kind": "one_to_one",
        "matching_mode": "self_service",
        "default_cadence": "monthly",
        "require_different_department": False,
        "min_level_gap": 1,
        "max_level_gap": 4,
        "criteria_weights": {
            "goals": 10,
            "values": 4,
            "industry": 7,
            "level": 5,
            "timezone": 5,
            "availability": 4,
            "language": 5,
            "preferences": 6,
        },
        "goal_templates": [
            {
                "title": "Design a system end to end",
                "description": "Lead the design of a real component.",
                "milestones": ["Write the design doc", "Review it with a senior engineer", "Ship it"],
            },
        ],
    },
    "group_leadership": {
        "label": "Leadership circles (group)",
        "name": "Leadership circles",
        "description": "One experienced leader mentors a small group of new managers together.",
        "kind": "group",
        "matching_mode": "admin_bulk",
        "default_cadence": "monthly",
        "group_min_size": 3,
        "group_max_size": 5,
        "require_different_department": False,
        "min_level_gap": 2,
        "max_level_gap": 5,
        "criteria_weights": {
            "goals": 8,
            "values": 5,
            "industry": 2,
            "level": 6,
            "timezone": 7,
            "availability": 4,
            "language": 6,
            "preferences": 1,
        },
        "goal_templates": [],
    },
}
