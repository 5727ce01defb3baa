"""Create the default rating scale and the reviewer/editor groups.

Data, not fixtures: every install needs them, and a migration runs exactly once.
"""

from django.db import migrations

DEFAULT_SCALE = "Default (five-point)"
RATINGS = [
    ("False", 1.0, "The claim is inaccurate."),
    ("Mostly false", 2.0, "The claim has an element of truth but ignores critical facts."),
    ("Mixed", 3.0, "The claim is partly accurate and partly inaccurate."),
    ("Mostly true", 4.0, "The claim is accurate but needs clarification or detail."),
    ("True", 5.0, "The claim is accurate and nothing significant is missing."),
    ("Unverifiable", None, "The available evidence can neither confirm nor refute the claim."),
]
GROUPS = ["reviewer", "editor"]


def create(apps, schema_editor):
    RatingScale = apps.get_model("annotations", "RatingScale")
    Rating = apps.get_model("annotations", "Rating")
    Group = apps.get_model("auth", "Group")
    scale, _ = RatingScale.objects.get_or_create(name=DEFAULT_SCALE, defaults={"is_default": True})
    for position, (label, value, description) in enumerate(RATINGS):
        Rating.objects.get_or_create(
            scale=scale,
            label=label,
            defaults={"value": value, "position": position, "description": description},
        )
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def remove(apps, schema_editor):
    apps.get_model("annotations", "RatingScale").objects.filter(name=DEFAULT_SCALE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create, remove)]
