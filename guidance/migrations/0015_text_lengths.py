"""Text fields as long as their help says (issue 30): "what it means" 300 characters, "what to
do" 600, the steps 800. The seed's longest are 211, 189 and 150."""

from django.db import migrations, models

from guidance.publishing import triggers as content_triggers

# SQLite rebuilds a table to change a column, and its triggers go with the old table: put them
# back (PostgreSQL keeps them; they are dropped and made again the same).
TABLES = ["guidance_milestone", "guidance_enrollmentoption"]


def reinstall_triggers(apps, schema_editor):
    content_triggers.uninstall(schema_editor, TABLES)
    content_triggers.install(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0014_seed_history_review_dates"),
    ]

    operations = [
        migrations.AlterField(
            model_name="enrollmentoption",
            name="steps_da",
            field=models.TextField(
                blank=True,
                help_text="One step a line.",
                max_length=800,
                verbose_name="steps (Danish)",
            ),
        ),
        migrations.AlterField(
            model_name="enrollmentoption",
            name="steps_en",
            field=models.TextField(
                blank=True,
                help_text="One step a line.",
                max_length=800,
                verbose_name="steps (English)",
            ),
        ),
        migrations.AlterField(
            model_name="enrollmentoption",
            name="summary_da",
            field=models.TextField(max_length=300, verbose_name="summary (Danish)"),
        ),
        migrations.AlterField(
            model_name="enrollmentoption",
            name="summary_en",
            field=models.TextField(max_length=300, verbose_name="summary (English)"),
        ),
        migrations.AlterField(
            model_name="historicalenrollmentoption",
            name="steps_da",
            field=models.TextField(
                blank=True,
                help_text="One step a line.",
                max_length=800,
                verbose_name="steps (Danish)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalenrollmentoption",
            name="steps_en",
            field=models.TextField(
                blank=True,
                help_text="One step a line.",
                max_length=800,
                verbose_name="steps (English)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalenrollmentoption",
            name="summary_da",
            field=models.TextField(max_length=300, verbose_name="summary (Danish)"),
        ),
        migrations.AlterField(
            model_name="historicalenrollmentoption",
            name="summary_en",
            field=models.TextField(max_length=300, verbose_name="summary (English)"),
        ),
        migrations.AlterField(
            model_name="historicalmilestone",
            name="summary_da",
            field=models.TextField(max_length=300, verbose_name="what it means (Danish)"),
        ),
        migrations.AlterField(
            model_name="historicalmilestone",
            name="summary_en",
            field=models.TextField(
                help_text="One or two sentences, in the present tense: the answer a visitor reads.",
                max_length=300,
                verbose_name="what it means (English)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalmilestone",
            name="what_to_do_da",
            field=models.TextField(
                blank=True,
                help_text="One action a line.",
                max_length=600,
                verbose_name="what to do (Danish)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalmilestone",
            name="what_to_do_en",
            field=models.TextField(
                blank=True,
                help_text="One action a line.",
                max_length=600,
                verbose_name="what to do (English)",
            ),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="summary_da",
            field=models.TextField(max_length=300, verbose_name="what it means (Danish)"),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="summary_en",
            field=models.TextField(
                help_text="One or two sentences, in the present tense: the answer a visitor reads.",
                max_length=300,
                verbose_name="what it means (English)",
            ),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="what_to_do_da",
            field=models.TextField(
                blank=True,
                help_text="One action a line.",
                max_length=600,
                verbose_name="what to do (Danish)",
            ),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="what_to_do_en",
            field=models.TextField(
                blank=True,
                help_text="One action a line.",
                max_length=600,
                verbose_name="what to do (English)",
            ),
        ),
        migrations.RunPython(reinstall_triggers, reinstall_triggers),
    ]
