"""Program and Criterion now live in `startups` (see `startups.0003`).

State only: the foreign keys of assignments, awards and scores point at
the moved models, and the old models leave this app's state. The tables
and their constraints stay exactly as they are.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0005_free_text_validators'),
        ('startups', '0003_program_criterion_moved_from_programs'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='score',
                    name='criterion',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='scores', to='startups.criterion', verbose_name='criterion'),
                ),
                migrations.AlterField(
                    model_name='award',
                    name='program',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='awards', to='startups.program', verbose_name='program'),
                ),
                migrations.AlterField(
                    model_name='assignment',
                    name='program',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='startups.program', verbose_name='program'),
                ),
                migrations.DeleteModel(
                    name='Criterion',
                ),
                migrations.DeleteModel(
                    name='Program',
                ),
            ],
        ),
    ]
