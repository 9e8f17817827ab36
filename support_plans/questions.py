"""The questions of each pre-meeting questionnaire (after the Hillingdon PSP pack)."""

from __future__ import annotations

QUESTIONS: dict[str, list[tuple[str, str]]] = {
    "pupil_primary": [
        ("good_at", "What are you good at?"),
        ("like_school", "What do you like about school?"),
        ("hard_school", "What is hard for you at school?"),
        ("feel_arriving", "How do you feel when you come into school in the morning?"),
        ("who_helps", "Who helps you at school? How do they help?"),
        ("get_in_trouble", "When do you get into trouble? What happens just before?"),
        ("would_help", "What would help you to have a better day?"),
        ("reward", "What would you like as a reward when you do well?"),
    ],
    "pupil_secondary": [
        ("strengths", "What are your strengths, in school and out of it?"),
        ("subjects", "Which lessons go well, and which go badly? Why?"),
        ("feel_arriving", "How do you feel when you come into school? What could make that better?"),
        ("triggers", "What situations lead to you getting into trouble?"),
        ("relationships", "How do you get on with other students and with staff?"),
        ("outside", "Is anything outside school making things harder at the moment?"),
        ("support", "What support would help you to stay in school and do well?"),
        ("reward", "What would you actually want as a reward for meeting your targets?"),
        ("future", "What would you like to be doing in two years' time?"),
    ],
    "parent": [
        ("strengths", "What are your child's strengths and interests?"),
        ("home", "How is your child's behaviour at home?"),
        ("concerns", "What concerns you most about school at the moment?"),
        ("changes", "Have there been any changes or events in your child's life we should know about?"),
        ("works", "What works well when your child is upset or angry?"),
        ("support_home", "What could you do at home to support the plan?"),
        ("support_school", "What would you like the school to do?"),
        ("reward", "What rewards does your child value (time together, an activity)?"),
    ],
    "staff": [
        ("strengths", "What are the pupil's strengths in your lessons or contact?"),
        ("concerns", "Describe the behaviour that concerns you, how often and when."),
        ("triggers", "What seems to trigger it?"),
        ("works", "What strategies have worked, and which have not?"),
        ("learning", "Any concerns about learning or literacy?"),
        ("support", "What support could you offer as part of the PSP?"),
    ],
}


def questions_for(kind: str) -> list[tuple[str, str]]:
    return QUESTIONS[kind]
