"""Achievement: courses on grade scales, assessment points, each student's target and working-at grade, and
initial assessment on entry.

A grade scale is an ordered list of grades, lowest first; a grade's position in it is what progress is counted
in ("one grade below target"). The standard scales (GCSE 9–1, A level A*–E, BTEC Distinction*–Pass) are made for
a school the first time they are needed; a school may add its own.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from organisations.models import Organisation
from people.models import Pupil

STANDARD_SCALES: dict[str, tuple[str, list[str]]] = {
    "gcse": ("GCSE 9–1", ["U", "1", "2", "3", "4", "5", "6", "7", "8", "9"]),
    "a_level": ("A level A*–E", ["U", "E", "D", "C", "B", "A", "A*"]),
    "btec": ("BTEC / vocational Distinction*–Pass", ["U", "P", "M", "D", "D*"]),
}


class GradeScale(models.Model):
    """An ordered list of grades, lowest first (GCSE, A level, BTEC or one the school defines)."""

    class Kind(models.TextChoices):
        GCSE = "gcse", "GCSE 9–1"
        A_LEVEL = "a_level", "A level A*–E"
        BTEC = "btec", "BTEC / vocational"
        SCHOOL = "school", "School-defined"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=100)
    grades = models.JSONField(help_text="The grades, lowest first.")

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="grade_scale_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def position(self, grade: str) -> int | None:
        """Where a grade stands on the scale (0 is the lowest), or None if it is not on it."""
        try:
            return [g.upper() for g in self.grades].index(grade.strip().upper())
        except ValueError:
            return None

    def canonical(self, grade: str) -> str | None:
        found = self.position(grade)
        return None if found is None else self.grades[found]


class Course(models.Model):
    """A subject or course a student is assessed in, on one grade scale."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=30, help_text="The MIS's code for the course, e.g. MA-GCSE.")
    name = models.CharField(max_length=100)
    scale = models.ForeignKey(GradeScale, on_delete=models.PROTECT, related_name="courses")

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="course_unique_code")]

    def __str__(self) -> str:
        return self.name


class AssessmentPoint(models.Model):
    """A data drop: the day working-at grades were recorded (autumn, spring, summer…)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    assessed_on = models.DateField()

    class Meta:
        ordering = ["organisation", "assessed_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name", "assessed_on"], name="assessment_point_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.assessed_on:%d %b %Y})"


class Result(models.Model):
    """A student's target and working-at grade in one course at one assessment point."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="achievement_results")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="results")
    point = models.ForeignKey(AssessmentPoint, on_delete=models.CASCADE, related_name="results")
    target = models.CharField(max_length=10)
    working_at = models.CharField(max_length=10)
    # Grade steps above (+) or below (−) target, kept with the grades so lists and sums need no scale.
    difference = models.SmallIntegerField()

    class Meta:
        ordering = ["organisation", "pupil", "course", "point"]
        indexes = [models.Index(fields=["organisation", "point"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "pupil", "course", "point"], name="result_unique_per_point"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.working_at} (target {self.target})"


class InitialAssessment(models.Model):
    """A result on entry, e.g. English and maths levels, in words the school uses."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="initial_assessments")
    subject = models.CharField(max_length=100)
    result = models.CharField(max_length=50)
    assessed_on = models.DateField()

    class Meta:
        ordering = ["organisation", "pupil", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "pupil", "subject"], name="initial_assessment_unique"
            ),
            models.CheckConstraint(condition=~Q(subject=""), name="initial_assessment_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.result}"
