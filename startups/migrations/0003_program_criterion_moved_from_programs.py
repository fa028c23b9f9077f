"""Program and Criterion move from `programs` to `startups`: applications stand on them.

Nothing changes in the database: the tables keep their names
(`programs_program`, `programs_criterion`) and the foreign keys that point
at them stay as they are, so only Django's state moves. The content types
are renamed in place (their ids unchanged), so permissions, group
permissions, admin log entries and anything else pointing at them keep
pointing at the same rows. `programs.0006` removes the old state.
"""

import django.core.validators
import django.db.models.deletion
import portal.validators
import startups.models.program
from decimal import Decimal
from django.db import migrations, models


MOVED = ("program", "criterion")


def _move_content_types(apps, from_label: str, to_label: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        old = ContentType.objects.filter(app_label=from_label, model=model).first()
        if old is None:
            # A fresh database: content types are created after the migrations.
            continue
        # Only a half-finished earlier run could have left a second row; the
        # old one carries the permissions and references, so it wins.
        ContentType.objects.filter(app_label=to_label, model=model).delete()
        old.app_label = to_label
        old.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def content_types_forward(apps, schema_editor):
    _move_content_types(apps, "programs", "startups")


def content_types_backward(apps, schema_editor):
    _move_content_types(apps, "startups", "programs")


class Migration(migrations.Migration):

    dependencies = [
        ('startups', '0002_free_text_validators_and_deck_pages'),
        ('programs', '0005_free_text_validators'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Program',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, validators=[portal.validators.TextValidator(multiline=False)], verbose_name='name')),
                        ('slug', models.SlugField(max_length=80, unique=True, verbose_name='slug')),
                        ('organiser', models.CharField(blank=True, max_length=200, validators=[portal.validators.TextValidator(multiline=False)], verbose_name='organiser')),
                        ('description', models.TextField(blank=True, validators=[portal.validators.TextValidator(multiline=True)], verbose_name='description')),
                        ('currency', models.CharField(choices=[('KZT', 'Kazakhstani tenge (KZT)'), ('USD', 'US dollar (USD)'), ('EUR', 'Euro (EUR)'), ('RUB', 'Russian rouble (RUB)'), ('UZS', 'Uzbek sum (UZS)'), ('KGS', 'Kyrgyz som (KGS)')], default='KZT', max_length=3, verbose_name='currency')),
                        ('total_budget', models.DecimalField(decimal_places=2, max_digits=16, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='total budget')),
                        ('selection_cap', models.PositiveIntegerField(default=50, help_text='The most projects that can be selected.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='selection cap')),
                        ('max_amount_per_project', models.DecimalField(decimal_places=2, max_digits=16, validators=[django.core.validators.MinValueValidator(Decimal('0.01'))], verbose_name='maximum amount per project')),
                        ('opens_at', models.DateTimeField(verbose_name='applications open')),
                        ('closes_at', models.DateTimeField(verbose_name='applications close')),
                        ('timezone', models.CharField(default='Asia/Almaty', help_text='Dates are shown to applicants in this time zone.', max_length=64, validators=[portal.validators.TextValidator(multiline=False)], verbose_name='time zone')),
                        ('review_deadline', models.DateTimeField(blank=True, null=True, verbose_name='review deadline')),
                        ('reviews_per_application', models.PositiveSmallIntegerField(default=3, validators=[django.core.validators.MinValueValidator(1)], verbose_name='reviews per application')),
                        ('eligible_countries', models.JSONField(default=startups.models.program.default_countries, help_text='Country codes whose startups may apply.', verbose_name='eligible countries')),
                        ('sectors', models.JSONField(blank=True, default=list, help_text='Sectors the program funds; empty means every sector.', verbose_name='sectors')),
                        ('min_team_size', models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1)], verbose_name='minimum team size')),
                        ('requires_legal_entity', models.BooleanField(default=False, verbose_name='registered legal entity required')),
                        ('reviewers_see_others_before_submit', models.BooleanField(default=False, verbose_name="reviewers see others' scores before submitting")),
                        ('normalise_reviewers', models.BooleanField(default=False, help_text='Rank by scores standardised per reviewer, so that a harsh and a lenient reviewer count the same.', verbose_name='normalise reviewers')),
                        ('disagreement_threshold', models.DecimalField(decimal_places=2, default=Decimal('20'), help_text='Applications whose review totals spread (standard deviation, 0–100 scale) above this are flagged for discussion.', max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='disagreement threshold')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('open', 'Open'), ('reviewing', 'Reviewing'), ('decided', 'Decided'), ('closed', 'Closed')], default='draft', max_length=16, verbose_name='status')),
                        ('committed', models.DecimalField(decimal_places=2, default=Decimal('0'), editable=False, max_digits=16, verbose_name='committed (awards)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                    ],
                    options={
                        'verbose_name': 'program',
                        'verbose_name_plural': 'programs',
                        'db_table': 'programs_program',
                        'ordering': ['-opens_at'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('closes_at__gt', models.F('opens_at'))), name='program_window_ordered'), models.CheckConstraint(condition=models.Q(('total_budget__gte', 0)), name='program_budget_gte_0'), models.CheckConstraint(condition=models.Q(('max_amount_per_project__gt', 0), ('max_amount_per_project__lte', models.F('total_budget'))), name='program_max_amount_within_budget'), models.CheckConstraint(condition=models.Q(('selection_cap__gte', 1)), name='program_cap_gte_1'), models.CheckConstraint(condition=models.Q(('committed__gte', 0), ('committed__lte', models.F('total_budget'))), name='program_awards_within_budget')],
                    },
                ),
                migrations.AlterField(
                    model_name='application',
                    name='program',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='startups.program', verbose_name='program'),
                ),
                migrations.CreateModel(
                    name='Criterion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, validators=[portal.validators.TextValidator(multiline=False)], verbose_name='name')),
                        ('guidance', models.TextField(blank=True, validators=[portal.validators.TextValidator(multiline=True)], verbose_name='guidance for reviewers')),
                        ('weight', models.DecimalField(decimal_places=2, default=Decimal('1'), max_digits=6, validators=[django.core.validators.MinValueValidator(Decimal('0.01'))], verbose_name='weight')),
                        ('scale_min', models.PositiveSmallIntegerField(default=1, verbose_name='lowest score')),
                        ('scale_max', models.PositiveSmallIntegerField(default=10, verbose_name='highest score')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='criteria', to='startups.program', verbose_name='program')),
                    ],
                    options={
                        'verbose_name': 'criterion',
                        'verbose_name_plural': 'criteria',
                        'db_table': 'programs_criterion',
                        'ordering': ['program', 'position', 'id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('weight__gt', 0)), name='criterion_weight_gt_0'), models.CheckConstraint(condition=models.Q(('scale_max__gt', models.F('scale_min'))), name='criterion_scale_ordered'), models.UniqueConstraint(fields=('program', 'name'), name='criterion_unique_name')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
