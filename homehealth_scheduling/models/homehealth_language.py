from odoo import fields, models


class HomehealthLanguage(models.Model):
    _name = "homehealth.language"
    _description = "Spoken Language"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="ISO 639 code of the language, for example en, es or ht.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_unique",
            "UNIQUE(code)",
            "A language with this code already exists.",
        ),
    ]
