"""The spreadsheet import service: all-or-nothing, tolerant of how people write things."""

import csv
import datetime as dt
import io
import time

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_scopes import scopes_disabled

from governance.audit.models import AuditEvent
from governance.register import imports, services
from governance.register.imports import (
    ImportFailed,
    MappingError,
    check_mapping,
    suggest_import_mapping,
)
from governance.register.models import AIModel, AISystem, Vendor
from governance.register.pending import PendingImport
from governance.register.spreadsheets import read_table
from governance.tenancy.roles import Role

# A row that adds a system must state its operator role and lifecycle stage, or the user must
# choose defaults for them: these tests are about other things, so they choose defaults.
ROLE_AND_STAGE = {"operator_role": "deployer", "lifecycle_stage": "planned"}


def preview_import(**kwargs):
    kwargs.setdefault("defaults", ROLE_AND_STAGE)
    return imports.preview_import(**kwargs)


def commit_import(**kwargs):
    kwargs.setdefault("defaults", ROLE_AND_STAGE)
    return imports.commit_import(**kwargs)


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def table_of(rows, filename="register.csv"):
    return read_table(csv_bytes(rows), filename)


def auto(table):
    return suggest_import_mapping(table.headers)


def systems(org):
    with scopes_disabled():
        return list(AISystem.objects.filter(organization=org).order_by("name"))


def add_model(world, name, version=""):
    with scopes_disabled():
        return services.create_model(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": name, "version": version},
        )


def add_vendor(world, name):
    with scopes_disabled():
        return services.create_vendor(
            organization=world.acme, acting=world.alice_membership, data={"name": name}
        )


HEADERS = ["Name", "Intended purpose"]


# --------------------------------------------------------------------------------------------
# Mapping
# --------------------------------------------------------------------------------------------


def test_it_maps_unusual_headers_to_register_fields():
    mapping = suggest_import_mapping(
        [
            "System Name",
            "Purpose",
            "Our role",
            "Owner e-mail",
            "Supplier",
            "Go-live date",
            "Personal data?",
            "Something else",
        ]
    )
    assert mapping == {
        "System Name": "name",
        "Purpose": "intended_purpose",
        "Our role": "operator_role",
        "Owner e-mail": "business_owner",
        "Supplier": "vendor",
        "Go-live date": "put_into_service_on",
        "Personal data?": "processes_personal_data",
        "Something else": None,
    }


def test_a_mapping_without_the_required_fields_is_refused():
    with pytest.raises(MappingError) as exc:
        check_mapping(["A", "B"], {"A": "name", "B": None})
    assert "Intended purpose" in exc.value.errors[""][0]


def test_a_field_may_be_mapped_once():
    with pytest.raises(MappingError) as exc:
        check_mapping(["A", "B", "C"], {"A": "name", "B": "intended_purpose", "C": "name"})
    assert "already fed by the column 'A'" in exc.value.errors["C"][0]


def test_unknown_headers_and_fields_are_named():
    with pytest.raises(MappingError) as exc:
        check_mapping(
            ["A", "B"], {"A": "name", "B": "intended_purpose", "X": "tags", "A2": "bogus"}
        )
    assert set(exc.value.errors) == {"X", "A2"}
    mapping = check_mapping(["A", "B", "M"], {"A": "name", "B": "intended_purpose", "M": "models"})
    assert mapping["M"] == "ai_models"


# --------------------------------------------------------------------------------------------
# Commit: all or nothing
# --------------------------------------------------------------------------------------------


def test_it_imports_every_row_with_one_audit_event_each_and_a_summary(world):
    table = table_of(
        [
            HEADERS + ["Vendor", "Tags"],
            ["CV screener", "Rank job applicants", "HireTech", "hr, screening"],
            ["Chatbot", "Answer customer questions", "HireTech", "support"],
        ]
    )
    result = commit_import(
        organization=world.acme,
        acting=world.alice_membership,
        table=table,
        mapping=auto(table),
        filename="register.csv",
    )
    assert result.created == 2
    assert sorted(s.name for s in systems(world.acme)) == ["CV screener", "Chatbot"]
    with scopes_disabled():
        assert (
            AuditEvent.objects.filter(organization=world.acme, action="system.created").count() == 2
        )
        summary = AuditEvent.objects.get(organization=world.acme, action="register.imported")
        assert summary.changes["systems"] == 2
        assert summary.changes["new_vendors"] == ["HireTech"]
        cv = AISystem.objects.get(name="CV screener")
        assert sorted(cv.tags.values_list("name", flat=True)) == ["hr", "screening"]
        assert cv.created_by == world.alice


def test_one_bad_row_commits_nothing_and_names_the_row_and_column(world):
    table = table_of(
        [
            HEADERS + ["Owner"],
            ["Good one", "Something", "alice@acme.test"],
            ["Another good one", "Something", ""],
            ["Bad one", "Something", "x@y.test"],
        ]
    )
    with pytest.raises(ImportFailed) as exc:
        commit_import(
            organization=world.acme, acting=world.alice_membership, table=table, mapping=auto(table)
        )
    [error] = exc.value.errors
    assert (error.row_number, error.column_header, error.field) == (4, "Owner", "business_owner")
    assert (
        str(error) == "Row 4, column 'Owner': nobody with the email x@y.test is a member of Acme."
    )
    assert systems(world.acme) == []
    with scopes_disabled():
        assert not AuditEvent.objects.filter(
            organization=world.acme, action__startswith="system"
        ).exists()


def test_a_failure_inside_a_service_rolls_back_the_rows_before_it(world, monkeypatch):
    from django.core.exceptions import ValidationError

    from governance.register.models import AISystem

    table = table_of([HEADERS, ["One", "p"], ["Two", "p"], ["Three", "p"]])
    real = AISystem.full_clean
    checked = []

    def flaky(self, *args, **kwargs):
        checked.append(self.name)
        if self.name == "Three":
            raise ValidationError({"name": "Refused by the service."})
        return real(self, *args, **kwargs)

    monkeypatch.setattr(AISystem, "full_clean", flaky)
    with pytest.raises(ImportFailed) as exc:
        commit_import(
            organization=world.acme, acting=world.alice_membership, table=table, mapping=auto(table)
        )
    assert checked == ["One", "Two", "Three"]
    assert str(exc.value.errors[0]) == "Row 4, column 'Name': Refused by the service."
    assert systems(world.acme) == []


def test_new_vendors_are_created_in_the_same_transaction(world):
    add_vendor(world, "Existing Ltd")
    table = table_of(
        [
            HEADERS + ["Supplier"],
            ["A", "p", "existing ltd"],
            ["B", "p", "NewCo"],
            ["C", "p", "newco"],
            ["D", "p", ""],
        ]
    )
    preview = preview_import(organization=world.acme, table=table, mapping=auto(table))
    assert preview.ok and preview.new_vendors == ["NewCo"]
    assert preview.summary() == "4 systems and 1 new vendor"
    assert preview.rows[1].display["vendor"] == "NewCo (new)"
    commit_import(
        organization=world.acme, acting=world.alice_membership, table=table, mapping=auto(table)
    )
    with scopes_disabled():
        assert sorted(
            Vendor.objects.filter(organization=world.acme).values_list("name", flat=True)
        ) == ["Existing Ltd", "NewCo"]
        by_name = {s.name: s.vendor for s in AISystem.objects.select_related("vendor")}
    assert by_name["A"].name == "Existing Ltd"
    assert by_name["B"] == by_name["C"] and by_name["B"].name == "NewCo"
    assert by_name["D"] is None


def test_a_failed_import_creates_no_vendor(world):
    table = table_of([HEADERS + ["Vendor"], ["A", "p", "NewCo"], ["", "p", "Other"]])
    with pytest.raises(ImportFailed):
        commit_import(
            organization=world.acme, acting=world.alice_membership, table=table, mapping=auto(table)
        )
    with scopes_disabled():
        assert not Vendor.objects.filter(organization=world.acme).exists()


def test_only_members_who_may_edit_the_register_can_import(world, member_of):
    table = table_of([HEADERS, ["A", "p"]])
    contributor = member_of(world.acme, Role.CONTRIBUTOR)
    for acting in (world.bob_membership, contributor, world.charlie_membership):
        with pytest.raises(PermissionDenied):
            commit_import(organization=world.acme, acting=acting, table=table, mapping=auto(table))
    assert systems(world.acme) == []


# --------------------------------------------------------------------------------------------
# Tolerance: codes, labels, booleans, dates, lists
# --------------------------------------------------------------------------------------------


def test_choices_accept_the_code_or_the_label_in_any_case(world):
    table = table_of(
        [
            HEADERS + ["Our role", "Status", "Deployment"],
            ["A", "p", "Deployer", "in production", "Customer-facing"],
            ["B", "p", "PROVIDER", "testing / pilot", "embedded_product"],
            ["C", "p", "authorised_representative", "Live", "internal use"],
            ["D", "p", "", "", ""],
        ]
    )
    mapping = auto(table)
    assert mapping["Deployment"] == "deployment_context"
    commit_import(
        organization=world.acme, acting=world.alice_membership, table=table, mapping=mapping
    )
    got = {
        s.name: (s.operator_role, s.lifecycle_stage, s.deployment_context)
        for s in systems(world.acme)
    }
    assert got == {
        "A": ("deployer", "in_production", "customer_facing"),
        "B": ("provider", "testing", "embedded_product"),
        "C": ("authorised_representative", "in_production", "internal"),
        # Empty cells state nothing: the defaults the user chose, and no deployment context.
        "D": ("deployer", "planned", ""),
    }


def test_an_unknown_choice_lists_what_is_allowed(world):
    table = table_of([HEADERS + ["Role"], ["A", "p", "Overlord"]])
    [error] = preview_import(organization=world.acme, table=table, mapping=auto(table)).errors
    assert error.field == "operator_role"
    assert "'Overlord' is not an operator role: map it to one of 'Provider', 'Deployer'" in (
        error.message
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("1", True),
        ("x", True),
        ("Ja", True),
        ("no", False),
        ("false", False),
        ("0", False),
        ("Nein", False),
        # Unknown is not no: an empty cell, or one that says so, states nothing.
        ("", None),
        ("onbekend", None),
        ("-", None),
    ],
)
def test_booleans_are_read_tolerantly(world, text, expected):
    table = table_of([HEADERS + ["Personal data"], ["A", "p", text]])
    preview = preview_import(organization=world.acme, table=table, mapping=auto(table))
    assert preview.ok
    assert preview.rows[0].data.get("processes_personal_data") is expected


def test_a_boolean_that_is_neither_is_an_error(world):
    table = table_of([HEADERS + ["Biometric data"], ["A", "p", "maybe"]])
    [error] = preview_import(organization=world.acme, table=table, mapping=auto(table)).errors
    assert error.field == "processes_biometric_data" and "'maybe' is not yes or no" in error.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-31", dt.date(2024, 3, 31)),
        ("2024-03-31 00:00:00", dt.date(2024, 3, 31)),
        ("31/03/2024", dt.date(2024, 3, 31)),
        ("01/03/2024", dt.date(2024, 3, 1)),  # day first
        ("03/31/2024", dt.date(2024, 3, 31)),  # month first only when day first is impossible
        ("31.03.2024", dt.date(2024, 3, 31)),
        ("2024/03/31", dt.date(2024, 3, 31)),
        ("45382", dt.date(2024, 3, 31)),  # an Excel serial date
        ("31 March 2024", dt.date(2024, 3, 31)),
        ("", None),
    ],
)
def test_dates_in_common_formats(world, text, expected):
    table = table_of([HEADERS + ["Put into service on"], ["A", "p", text]])
    preview = preview_import(organization=world.acme, table=table, mapping=auto(table))
    assert preview.ok, preview.errors
    assert preview.rows[0].data["put_into_service_on"] == expected


@pytest.mark.parametrize("text", ["31/02/2024", "2024", "next week", "13/13/2024"])
def test_a_bad_date_says_how_to_write_one(world, text):
    table = table_of([HEADERS + ["Placed on market on"], ["A", "p", text]])
    [error] = preview_import(organization=world.acme, table=table, mapping=auto(table)).errors
    assert error.field == "placed_on_market_on" and "YYYY-MM-DD" in error.message


def test_affected_persons_accept_codes_and_labels(world):
    table = table_of(
        [
            HEADERS + ["Affected persons"],
            ["A", "p", "Employees or applicants; customers, the public"],
            ["B", "p", "children, aliens"],
        ]
    )
    preview = preview_import(organization=world.acme, table=table, mapping=auto(table))
    assert preview.rows[0].data["affected_persons"] == ["employees", "customers", "citizens"]
    [error] = preview.errors
    assert error.row_number == 3 and "'aliens' is not one of" in error.message


def test_owners_are_found_by_member_email(world, member_of):
    carol = member_of(world.acme, Role.CONTRIBUTOR).user
    table = table_of(
        [
            HEADERS + ["Owner e-mail", "Technical owner"],
            ["A", "p", "ALICE@acme.test", f"Carol <{carol.email}>"],
            ["B", "p", "charlie@globex.test", ""],
            ["C", "p", "not an email", ""],
        ]
    )
    preview = preview_import(organization=world.acme, table=table, mapping=auto(table))
    assert preview.rows[0].data["business_owner"] == world.alice
    assert preview.rows[0].data["technical_owner"] == carol
    messages = [str(e) for e in preview.errors]
    assert messages == [
        "Row 3, column 'Owner e-mail': nobody with the email charlie@globex.test is a member "
        "of Acme.",
        "Row 4, column 'Owner e-mail': 'not an email' is not an email address. Give the email "
        "address of a member of Acme.",
    ]


def test_contributor_owners_can_edit_their_imported_system(world, member_of):
    carol = member_of(world.acme, Role.CONTRIBUTOR)
    table = table_of([HEADERS + ["Owner"], ["A", "p", carol.user.email]])
    commit_import(
        organization=world.acme, acting=world.alice_membership, table=table, mapping=auto(table)
    )
    [system] = systems(world.acme)
    assert services.can_edit_system(carol, system)


def test_models_are_matched_by_name_and_version(world):
    gpt = add_model(world, "GPT-4o", "2024-08-06")
    whisper = add_model(world, "Whisper", "")
    add_model(world, "Llama", "2")
    add_model(world, "Llama", "3")
    table = table_of(
        [
            HEADERS + ["Models"],
            ["A", "p", "gpt-4o 2024-08-06; Whisper"],
            ["B", "p", "GPT-4o, whisper"],
            ["C", "p", "Llama"],
            ["D", "p", "Claude 3"],
        ]
    )
    preview = preview_import(organization=world.acme, table=table, mapping=auto(table))
    assert preview.rows[0].ai_models == [gpt, whisper]
    assert preview.rows[1].ai_models == [gpt, whisper]
    errors = {e.row_number: e.message for e in preview.errors}
    assert "several versions in the register (2, 3)" in errors[4]
    assert "no model 'Claude 3' is in the register" in errors[5]


def test_duplicates_in_the_file_or_in_the_register_are_errors(world):
    with scopes_disabled():
        services.create_system(
            organization=world.acme,
            acting=world.alice_membership,
            data={"name": "Chatbot", "intended_purpose": "p"},
        )
    table = table_of(
        [
            HEADERS + ["Reference"],
            ["chatbot", "p", ""],  # the register has it
            ["Chatbot", "p", "CB-2"],  # another reference: another system
            ["Scorer", "p", "S-1"],
            ["SCORER", "p", "s-1"],  # the same as row 4
        ]
    )
    preview = preview_import(organization=world.acme, table=table, mapping=auto(table))
    errors = {e.row_number: str(e) for e in preview.errors}
    assert errors == {
        2: "Row 2, column 'Name': an AI system named 'chatbot' is in the register already; "
        "give the row a reference to tell them apart.",
        5: "Row 5, column 'Reference': the reference 's-1' is also in row 4; each system may "
        "appear once.",
    }


def test_required_cells_and_long_text(world):
    table = table_of([HEADERS + ["Reference"], ["", "p", ""], ["A", "", "R" * 61]])
    errors = [
        str(e)
        for e in preview_import(organization=world.acme, table=table, mapping=auto(table)).errors
    ]
    assert errors == [
        "Row 2, column 'Name': A name is required.",
        "Row 3, column 'Intended purpose': The intended purpose is required (Art. 3(12)).",
        "Row 3, column 'Reference': The text is 61 characters long; the limit is 60.",
    ]


def test_formula_cells_are_just_text(world):
    table = table_of([HEADERS, ["=cmd|'/c calc'!A1", "+SUM(A1:A2)"]])
    commit_import(
        organization=world.acme, acting=world.alice_membership, table=table, mapping=auto(table)
    )
    [system] = systems(world.acme)
    assert system.name == "=cmd|'/c calc'!A1" and system.intended_purpose == "+SUM(A1:A2)"


def test_a_header_only_file_has_nothing_to_import(world):
    table = table_of([HEADERS])
    preview = preview_import(organization=world.acme, table=table, mapping=auto(table))
    assert not preview.ok and preview.errors[0].row_number is None
    with pytest.raises(ImportFailed):
        commit_import(
            organization=world.acme, acting=world.alice_membership, table=table, mapping=auto(table)
        )


def test_an_xlsx_file_with_real_dates_and_numbers(world):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["System Name", "Purpose", "Our role", "Owner e-mail", "Go-live date", "PII"])
    sheet.append(
        ["Fraud model", "Flag fraud", "Provider", "alice@acme.test", dt.datetime(2023, 5, 17), 1]
    )
    sheet.append(["Doc search", "Find documents", "deployer", None, dt.date(2022, 1, 2), 0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "register.xlsx")
    commit_import(
        organization=world.acme, acting=world.alice_membership, table=table, mapping=auto(table)
    )
    (fraud,) = [s for s in systems(world.acme) if s.name == "Fraud model"]
    assert fraud.operator_role == "provider" and fraud.business_owner == world.alice
    assert fraud.put_into_service_on == dt.date(2023, 5, 17) and fraud.processes_personal_data


def test_xlsx_formula_cells_never_run(world):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Intended purpose"])
    sheet.append(["=cmd|'/c calc'!A1", "p"])  # stored as a formula, with no cached value
    sheet.append(["Text", "=1+1"])
    sheet["A3"].value = '=HYPERLINK("http://evil")'
    sheet["A3"].data_type = "s"  # a string cell that looks like a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "register.xlsx")
    preview = preview_import(organization=world.acme, table=table, mapping=auto(table))
    # A formula without a value is an empty cell; a string that looks like one stays text.
    assert [str(e) for e in preview.errors] == [
        "Row 2, column 'Name': A name is required.",
        "Row 3, column 'Intended purpose': The intended purpose is required (Art. 3(12)).",
    ]
    assert preview.rows[1].data["name"] == '=HYPERLINK("http://evil")'


def test_another_organizations_vendors_models_and_members_are_not_seen(world):
    with scopes_disabled():
        services.create_vendor(
            organization=world.globex, acting=world.charlie_membership, data={"name": "Globex AI"}
        )
        services.create_model(
            organization=world.globex,
            acting=world.charlie_membership,
            data={"name": "Secret model"},
        )
    table = table_of(
        [
            HEADERS + ["Vendor", "Models", "Owner"],
            ["A", "p", "Globex AI", "Secret model", "charlie@globex.test"],
        ]
    )
    preview = preview_import(organization=world.acme, table=table, mapping=auto(table))
    assert preview.new_vendors == ["Globex AI"]  # Acme gets its own vendor of that name
    assert {e.field for e in preview.errors} == {"ai_models", "business_owner"}


# --------------------------------------------------------------------------------------------
# Volume
# --------------------------------------------------------------------------------------------


def test_a_thousand_rows_import_quickly_without_a_query_per_lookup(
    world, member_of, django_assert_max_num_queries
):
    add_model(world, "GPT-4o", "1")
    owners = [member_of(world.acme, Role.COMPLIANCE_OFFICER).user.email for _ in range(5)]
    rows = [
        [
            "Name",
            "Purpose",
            "Role",
            "Stage",
            "Vendor",
            "Owner",
            "Personal data",
            "Go live",
            "Affected",
            "Tags",
            "Models",
        ]
    ]
    for i in range(1000):
        rows.append(
            [
                f"System {i:04}",
                f"Purpose {i}",
                "deployer",
                "in production",
                f"Vendor {i % 20}",
                owners[i % 5],
                "yes",
                "2024-01-31",
                "employees",
                "bulk, test",
                "GPT-4o 1",
            ]
        )
    table = table_of(rows)
    # The preview reads members, vendors, models and existing systems once each.
    with django_assert_max_num_queries(8):
        preview = preview_import(organization=world.acme, table=table, mapping=auto(table))
    assert preview.ok and preview.summary() == "1000 systems and 20 new vendors"
    started = time.monotonic()
    result = commit_import(
        organization=world.acme, acting=world.alice_membership, table=table, mapping=auto(table)
    )
    elapsed = time.monotonic() - started
    assert result.created == 1000
    assert elapsed < 20, f"1,000 rows took {elapsed:.1f} s"
    with scopes_disabled():
        assert (
            AISystem.objects.filter(organization=world.acme, ai_models__name="GPT-4o").count()
            == 1000
        )


def test_uploads_are_kept_per_user_and_organization(world):
    upload = imports.save_upload(
        organization=world.acme,
        user=world.alice,
        data=b"a,b\n1,2\n",
        filename="C:\\Users\\alice\\..\\register.csv",
    )
    assert upload.filename == "register.csv"
    got = imports.get_upload(organization=world.acme, user=world.alice, token=upload.token)
    table = got.read_table()
    assert (table.headers, table.rows, table.row_numbers) == (["a", "b"], [["1", "2"]], [2])
    for org, user, token in [
        (world.acme, world.bob, upload.token),
        (world.globex, world.alice, upload.token),
        (world.acme, world.alice, "../../etc/passwd"),
        (world.acme, world.alice, "x" * 40),
    ]:
        with pytest.raises(imports.UploadNotFound):
            imports.get_upload(organization=org, user=user, token=token)
    imports.save_mapping(got, {"a": "name"})
    assert imports.get_upload(
        organization=world.acme, user=world.alice, token=upload.token
    ).mapping == {"a": "name"}
    imports.discard_upload(got)
    with scopes_disabled():
        assert not PendingImport.objects.exists()


def test_an_expired_upload_is_gone_and_purged_by_the_next_upload(world):
    upload = imports.save_upload(
        organization=world.acme, user=world.alice, data=b"a,b\n1,2\n", filename="r.csv"
    )
    with scopes_disabled():
        PendingImport.objects.filter(pk=upload.pk).update(expires_at=timezone.now())

    with pytest.raises(imports.UploadNotFound):
        imports.get_upload(organization=world.acme, user=world.alice, token=upload.token)
    imports.save_upload(
        organization=world.globex, user=world.charlie, data=b"a\n1\n", filename="g.csv"
    )
    with scopes_disabled():
        assert list(PendingImport.objects.values_list("file_name", flat=True)) == ["g.csv"]


def test_a_model_card_becomes_a_model(world):
    card = "---\nlicense: mit\npipeline_tag: text-classification\n---\n# my-model\n"
    model, preview = imports.import_model_card(
        organization=world.acme, acting=world.alice_membership, text=card, filename="README.md"
    )
    assert (model.name, model.licence, model.model_type, model.source) == (
        "my-model",
        "MIT",
        "classification",
        AIModel.Source.MODEL_CARD,
    )
    again = imports.preview_model_card(organization=world.acme, text=card)
    assert "is in the register already" in again.errors["name"][0]
    other = imports.preview_model_card(
        organization=world.acme, text=card, overrides={"version": "2"}
    )
    assert other.ok


def _register_rows(prefix: str, count: int, owners: list[str]) -> list[list[str]]:
    header = ["Name", "Purpose", "Vendor", "Owner", "Technical owner", "Tags", "Models"]
    return [header] + [
        [
            f"{prefix} system {i:05}",
            f"Purpose {i}",
            f"{prefix} vendor {i % 5}",
            owners[i % len(owners)],
            owners[(i + 1) % len(owners)],
            "bulk, test",
            "GPT-4o 1",
        ]
        for i in range(count)
    ]


def test_the_commit_makes_the_same_number_of_queries_for_10_and_100_rows(world, member_of):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_model(world, "GPT-4o", "1")
    owners = [member_of(world.acme, Role.CONTRIBUTOR).user.email for _ in range(3)]
    counts = {}
    for prefix, size in (("small", 10), ("large", 100)):
        table = table_of(_register_rows(prefix, size, owners))
        with CaptureQueriesContext(connection) as queries:
            result = commit_import(
                organization=world.acme,
                acting=world.alice_membership,
                table=table,
                mapping=auto(table),
            )
        assert result.created == size
        counts[size] = len(queries)

    # Owner grants, model links, tags and audit events are bulk inserts: a fixed number of
    # queries per batch, not per row (about 30,000 queries for 5,000 rows before). SQLite's
    # limit of 999 parameters per statement splits the 100 rows' inserts into a few statements
    # (on PostgreSQL the counts are equal); 90 more rows may not cost one query per row.
    assert counts[10] <= counts[100] <= counts[10] + 5, counts


@pytest.mark.parametrize("name", ["Evil\u202egnp.exe", "Iso\u2067late", "Zero\u200bwidth"])
def test_a_name_with_a_direction_override_or_control_character_is_a_row_error(world, name):
    table = table_of([["Name", "Purpose"], [name, "Screen CVs"]])

    preview = preview_import(organization=world.acme, table=table, mapping=auto(table))

    assert not preview.ok
    (error,) = preview.errors
    assert (error.row_number, error.column_header) == (2, "Name")
    assert "U+" in error.message
