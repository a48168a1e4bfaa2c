from odoo.tests import new_test_user

from .common import HomehealthCase


class TestViews(HomehealthCase):
    def _module_window_actions(self):
        data = self.env["ir.model.data"].search(
            [
                ("module", "=", "homehealth_scheduling"),
                ("model", "=", "ir.actions.act_window"),
            ]
        )
        return self.env["ir.actions.act_window"].browse(data.mapped("res_id"))

    def _load_views(self, action, user):
        """Load every view of the action as ``user`` and read one record."""
        model = self.env[action.res_model].with_user(user)
        views = [(view.id, view_type) for view, view_type in self._action_views(action)]
        views.append((action.search_view_id.id or False, "search"))
        result = model.get_views(views, {"toolbar": True, "load_filters": True})
        for view_type in action.view_mode.split(","):
            self.assertIn(view_type, result["views"])
        field_names = [
            name
            for name, description in result["models"][action.res_model][
                "fields"
            ].items()
            if description["type"] not in ("binary",)
        ]
        records = model.search([], limit=3)
        records.read(field_names)
        return result

    def _action_views(self, action):
        explicit = {view.view_mode: view.view_id for view in action.view_ids}
        for view_type in action.view_mode.split(","):
            yield explicit.get(view_type, self.env["ir.ui.view"]), view_type

    def test_actions_load_for_scheduler(self):
        actions = self._module_window_actions().filtered(
            lambda action: action.res_model != "res.config.settings"
        )
        self.assertGreaterEqual(len(actions), 6)
        for action in actions:
            with self.subTest(action=action.name):
                self._load_views(action, self.user_scheduler)

    def test_visit_views_load_for_caregiver(self):
        action = self.env.ref("homehealth_scheduling.homehealth_visit_action")
        result = self._load_views(action, self.user_caregiver_a)
        self.assertIn("calendar", result["views"])

    def test_settings_load_for_admin(self):
        admin = new_test_user(
            self.env,
            login="hh_admin",
            groups="base.group_system,homehealth_scheduling.group_homehealth_manager",
        )
        action = self.env.ref("homehealth_scheduling.homehealth_config_settings_action")
        settings = self.env[action.res_model].with_user(admin)
        result = settings.get_views([(False, action.view_mode)])
        self.assertIn("homehealth_geocoder_user_agent", result["views"]["form"]["arch"])

    def test_employee_form_has_tab(self):
        hr_user = new_test_user(
            self.env,
            login="hh_hr_officer",
            groups="hr.group_hr_user,homehealth_scheduling.group_homehealth_caregiver",
        )
        result = self.env["hr.employee"].with_user(hr_user).get_views([(False, "form")])
        self.assertIn('name="homehealth"', result["views"]["form"]["arch"])

    def test_partner_form_patient_page(self):
        partners = self.env["res.partner"].with_user(self.user_caregiver_a)
        arch = partners.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("access_notes", arch)

    def test_partner_form_hides_page(self):
        partners = self.env["res.partner"].with_user(self.user_internal)
        arch = partners.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("access_notes", arch)
