from django.urls import reverse
from conftest import login
from tandem.programs.models import ProgramStatus
from tests.program_setup import make_program, mentee, mentor


def test_flow(client, org, program_admin, django_capture_on_commit_callbacks):
    program = make_program(org, program_admin, status=ProgramStatus.MATCHING)
    for _ in range(3):
        mentor(program)
    for _ in range(4):
        mentee(program)
    login(client, program_admin)
    url = reverse("matching:rounds", kwargs={"org_slug": org.slug, "program_id": program.pk})
    r = client.get(url)
    assert r.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"solver": "optimal", "objective": "participation"})
    r = client.get(r["Location"])
    assert r.status_code == 200
    html = r.content.decode()
    open("/tmp/round.html", "w").write(html)
    assert "Proposed pairs (4)" in html, html[-3000:]
    rnd = r.context["match_round"]
    p = r.context["proposals"][0]
    r = client.get(reverse("matching:swap", kwargs={"org_slug": org.slug, "program_id": program.pk, "round_id": rnd.pk, "proposal_id": p.pk}))
    open("/tmp/swap.html", "w").write(r.content.decode())
    assert r.status_code == 200
    r = client.post(reverse("matching:lock", kwargs={"org_slug": org.slug, "program_id": program.pk, "round_id": rnd.pk, "proposal_id": p.pk}), {"locked": "1"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    open("/tmp/row.html", "w").write(r.content.decode())
    r = client.post(reverse("matching:publish", kwargs={"org_slug": org.slug, "program_id": program.pk, "round_id": rnd.pk}), follow=True)
    assert "Published" in r.content.decode()
    login(client, p.mentee.membership)
    r = client.get(reverse("mentorships:list", kwargs={"org_slug": org.slug}))
    assert r.status_code == 200
    m = r.context["rows"][0][0]
    r = client.get(reverse("mentorships:detail", kwargs={"org_slug": org.slug, "mentorship_id": m.pk}))
    open("/tmp/ms.html", "w").write(r.content.decode())
    assert "Why you were matched" in r.content.decode()


def test_self_service(client, org, program_admin):
    program = make_program(org, program_admin, status=ProgramStatus.OPEN, matching_mode="self_service")
    m1 = mentor(program)
    mentor(program)
    me = mentee(program)
    login(client, me.membership)
    r = client.get(reverse("mentorships:recommendations", kwargs={"org_slug": org.slug, "program_id": program.pk}))
    open("/tmp/recs.html", "w").write(r.content.decode())
    assert r.status_code == 200
    assert len(r.context["recommendations"]) == 2
    url = reverse("mentorships:request_new", kwargs={"org_slug": org.slug, "program_id": program.pk, "mentor_id": m1.pk})
    assert client.get(url).status_code == 200
    r = client.post(url, {"message": ""})
    assert "helps them say yes" in r.content.decode()
    r = client.post(url, {"message": "Hi"}, follow=True)
    open("/tmp/reqs.html", "w").write(r.content.decode())
    assert r.status_code == 200
    login(client, m1.membership)
    r = client.get(reverse("mentorships:requests", kwargs={"org_slug": org.slug}))
    open("/tmp/reqs2.html", "w").write(r.content.decode())
    req = r.context["pending"][0][0]
    r = client.post(reverse("mentorships:decline", kwargs={"org_slug": org.slug, "request_id": req.pk}), {"reason": ""})
    assert "short reason" in r.content.decode()
    r = client.post(reverse("mentorships:accept", kwargs={"org_slug": org.slug, "request_id": req.pk}), follow=True)
    assert r.status_code == 200
    open("/tmp/ms2.html", "w").write(r.content.decode())
    assert "You chose each other" in r.content.decode()
