"""The plan's pages through the test client: bounded queries, keeping flagged wording with a
reason, one plan however often it is started, and each agency's own actions only."""

import pytest
from django.urls import reverse

from accounts.models import Role
from actionplans.models import ActionPlan, Recommendation
from actionplans.services import action_save, plan_candidates, plan_take_up, recommendation_save
from tests.actionplans.builders import VAGUE_POINT, plan_from_rapid_review, working_day_after
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _many_actions(story, count: int):
    for n in range(count):
        recommendation = recommendation_save(
            actor=story.officer, plan=story.plan, finding=f"Finding {n}",
            text=f"By June 2027, {80 + n % 10}% of staff audited follow procedure {n}")
        for agency in (story.police.agency, story.health.agency):
            action_save(actor=story.officer, plan=story.plan, recommendation=recommendation,
                        text=f"Audit 20 files for procedure {n}", agency=agency,
                        lead="Lead (fictional)",
                        due_on=working_day_after(story.plan.case.partnership, 10 + n),
                        outcome="Files follow it", measure="18 of 20 files audited")


def test_starting_twice_makes_one_plan(client, partnership):
    story = plan_from_rapid_review(partnership, start=False)
    client.force_login(story.officer)
    url = reverse("actionplans:start", args=[story.case.reference])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert ActionPlan.objects.filter(case=story.case).count() == 1
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("count", [2, 12])
def test_the_plan_and_the_agencys_actions_cost_the_same_queries_whatever_their_size(
        client, partnership, django_assert_max_num_queries, count):
    story = plan_from_rapid_review(partnership)
    _many_actions(story, count)
    client.force_login(story.officer)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("actionplans:plan", args=[story.plan.case.reference]))
    assert response.status_code == 200
    assert response.content.decode().count('id="action-') == count * 2
    client.force_login(story.police.user)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("actionplans:my-actions"))
    assert response.content.decode().count("Audit 20 files") == count
    with django_assert_max_num_queries(15):
        assert client.get(reverse("dashboards:home")).status_code == 200


def test_flagged_wording_is_kept_only_with_a_reason_and_the_reason_shows(client, partnership):
    story = plan_from_rapid_review(partnership)
    plan_take_up(actor=story.officer, plan=story.plan,
                 keys=[c.key for c in plan_candidates(story.plan.case)])
    vague = Recommendation.objects.get(plan=story.plan, text=VAGUE_POINT)
    client.force_login(story.officer)
    url = reverse("actionplans:recommendation", args=[story.plan.case.reference, vague.pk])
    form = {"finding": vague.finding, "text": VAGUE_POINT, "revision": vague.revision,
            "keep_as_written": "on", "keep_reason": ""}
    page = client.post(url, form).content.decode()
    assert "Enter why it is kept as written" in page and VAGUE_POINT in page
    form["keep_reason"] = "The board's own wording, measured through its dashboard"
    assert client.post(url, form).status_code == 302
    vague.refresh_from_db()
    assert vague.smart_accepted_reason.startswith("The board's own wording")
    plan_page = client.get(reverse("actionplans:plan", args=[story.plan.case.reference]))
    assert "Kept as written" in plan_page.content.decode()


def test_an_agency_sees_and_updates_only_its_own_actions(client, partnership):
    story = plan_from_rapid_review(partnership)
    _many_actions(story, 1)
    ref = story.plan.case.reference
    health_action = story.plan.recommendations.get().actions.get(agency=story.health.agency)
    client.force_login(story.police.user)
    for name in ("actionplans:action", "actionplans:action-update", "actionplans:evidence-add"):
        assert client.get(reverse(name, args=[ref, health_action.pk])).status_code == 404
    assert client.get(reverse("actionplans:plan", args=[ref])).status_code == 404
    client.force_login(story.health.user)
    assert client.get(reverse("actionplans:action-update",
                              args=[ref, health_action.pk])).status_code == 200
    # Someone of another partnership sees nothing.
    from tests.factories import PartnershipFactory
    stranger = user_with_role(PartnershipFactory(), Role.BUSINESS_MANAGER)
    client.force_login(stranger)
    assert client.get(reverse("actionplans:plan", args=[ref])).status_code == 404


def test_evidence_downloads_as_it_was_sent_whatever_its_name_and_is_audited(client, partnership):
    from accounts.models import AuditEvent
    from actionplans.services import evidence_add

    story = plan_from_rapid_review(partnership)
    _many_actions(story, 1)
    action = story.plan.recommendations.get().actions.get(agency=story.police.agency)
    data = b"%PDF-1.4 audit report (fictional)"
    evidence = evidence_add(actor=story.police.user, action=action, kind="file",
                            description="Audit report", filename="rapport d'été.pdf",
                            data=data)
    url = reverse("actionplans:evidence-download",
                  args=[story.plan.case.reference, action.pk, evidence.pk])
    client.force_login(story.police.user)
    response = client.get(url)
    assert response.status_code == 200 and response.content == data
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD,
                                     object_id=str(evidence.pk)).count() == 1
    client.force_login(story.health.user)
    assert client.get(url).status_code == 404


def test_the_business_unit_names_the_group_that_monitors_the_plan(client, partnership):
    """Partnerships call the group by their own name; a rename is audited, blank is
    explained next to the field, and a rename over someone else's change is refused with
    what they saved, nothing typed lost."""
    from accounts.models import AuditEvent
    from actionplans.services import plan_group_rename

    story = plan_from_rapid_review(partnership)
    reference = story.plan.case.reference
    url = reverse("actionplans:group-name", args=[reference])
    client.force_login(story.officer)
    page = client.get(reverse("actionplans:plan", args=[reference])).content.decode()
    assert url in page and "Serious Incident Review Group" in page
    assert 'value="Serious Incident Review Group"' in client.get(url).content.decode()
    revision = ActionPlan.objects.get(pk=story.plan.pk).revision
    response = client.post(url, {"group_name": "  ", "revision": revision})
    assert "Enter the name of the group that monitors the plan" in response.content.decode()

    manager = user_with_role(partnership, Role.BUSINESS_MANAGER)
    plan_group_rename(actor=manager, plan=story.plan, group_name="Learning and Improvement Group")
    response = client.post(url, {"group_name": "Practice Review Group", "revision": revision})
    body = response.content.decode()
    assert f"{manager.full_name} changed the plan after you opened the page" in body
    assert 'value="Practice Review Group"' in body and "Learning and Improvement Group" in body
    assert ActionPlan.objects.get(pk=story.plan.pk).group_name == \
        "Learning and Improvement Group"
    current = ActionPlan.objects.get(pk=story.plan.pk).revision
    response = client.post(url, {"group_name": "Practice Review Group", "revision": current})
    assert response.status_code == 302
    plan = ActionPlan.objects.get(pk=story.plan.pk)
    assert plan.group_name == "Practice Review Group" and plan.revision == current + 1
    # A double click: the second post finds the name saved, no conflict, no second change.
    assert client.post(url, {"group_name": "Practice Review Group", "revision": current}
                       ).status_code == 302
    assert ActionPlan.objects.get(pk=story.plan.pk).revision == current + 1
    event = AuditEvent.objects.filter(detail__group_name__to="Practice Review Group").get()
    assert event.actor == story.officer
    assert "Record the Practice Review Group's review" in client.get(
        reverse("actionplans:plan", args=[reference])).content.decode()
    client.force_login(story.police.user)
    assert client.get(url).status_code == 404
