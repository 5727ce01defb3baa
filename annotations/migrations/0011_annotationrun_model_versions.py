from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0010_audit_verbs_undo_comments_double_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="annotationrun",
            name="model_versions",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
