"""`xinqing rebuild --republish`: which topic a stored event goes back to."""
from xinqing.rebuild import topic_of


def test_an_event_type_names_its_topic():
    assert topic_of("registry", "xq.registry.youth.registered.v1") == "xq.registry.youth"
    assert topic_of("stations", "xq.stations.appeal.closed.v1") == "xq.stations.appeal"


def test_an_event_of_another_service_or_shape_has_no_topic():
    assert topic_of("partners", "xq.partner.youth.registered.v1") is None
    assert topic_of("registry", "xq.registry.youth") is None
