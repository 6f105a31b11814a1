# Leavers (issue 13, item 12): people are never deleted; a leaver is `active` False.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="active",
            field=models.BooleanField(
                db_default=True,
                default=True,
                help_text=(
                    "False: a leaver (kept with their usage and posts, out of headcounts and "
                    "groups)"
                ),
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="left_on",
            field=models.DateField(
                blank=True,
                help_text="when a leaver left: the HR file's termination date, else the import's day",
                null=True,
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["active"], name="person_active"),
        ),
    ]
