from django.db import migrations, models

# The audit log is append-only in the database itself, not only in the application: an UPDATE or
# DELETE aborts. Anyone able to drop the triggers can still alter rows; the hash chain then
# shows where (`standby audit verify`).
SQLITE_TRIGGERS = [
    """CREATE TRIGGER common_auditentry_no_update BEFORE UPDATE ON common_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER common_auditentry_no_delete BEFORE DELETE ON common_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
POSTGRES_TRIGGERS = [
    """CREATE FUNCTION common_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
    """CREATE TRIGGER common_auditentry_append_only BEFORE UPDATE OR DELETE ON common_auditentry
       FOR EACH ROW EXECUTE FUNCTION common_auditentry_append_only()""",
]


def add_triggers(apps, schema_editor):
    statements = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True)),
                ("actor_id", models.BigIntegerField(blank=True, null=True)),
                ("actor_name", models.CharField(max_length=150)),
                ("on_behalf_of", models.CharField(blank=True, max_length=150)),
                ("action", models.CharField(choices=[("create", "Created"), ("update", "Changed"), ("delete", "Deleted"), ("event", "Event")], max_length=10)),
                ("object_type", models.CharField(max_length=100)),
                ("object_id", models.CharField(max_length=64)),
                ("object_repr", models.CharField(max_length=300)),
                ("changes", models.JSONField(default=dict)),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64, unique=True)),
            ],
            options={
                "verbose_name": "audit entry",
                "verbose_name_plural": "audit entries",
                "ordering": ["-id"],
                "indexes": [models.Index(fields=["object_type", "object_id"], name="common_audit_object_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(action__in=["create", "update", "delete", "event"]),
                        name="common_auditentry_action_valid",
                        violation_error_message="Unknown audit action.",
                    )
                ],
            },
        ),
        migrations.RunPython(add_triggers, migrations.RunPython.noop),
    ]
