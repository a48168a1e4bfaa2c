from odoo import fields, models


class HomehealthCertificationType(models.Model):
    _name = "homehealth.certification.type"
    _description = "Certification Type"
    _order = "category, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Skill code that visits require and planning matches, for example "
        "wound_care or iv_therapy.",
    )
    category = fields.Selection(
        selection=[
            ("licence", "Licence"),
            ("cpr", "CPR / Life Support"),
            ("specialty", "Specialty"),
        ],
        required=True,
        default="specialty",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_unique",
            "UNIQUE(code)",
            "A certification type with this code already exists.",
        ),
    ]
