from cchc.dossiers.tests.factories import drive_to, receive


def test_happy_path(world):
    d = receive(world)
    d = drive_to(world, d, "returned")
    assert d.status == "returned"
