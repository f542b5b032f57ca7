from quintex.history import History

from .builders import T0, transferred


def test_transfer_by_id_and_latest_by_client_id_for_its_user_only():
    history = History()
    history.apply([transferred(1, client_id="t1"), transferred(2, client_id="t1"), transferred(3, uid=2)])
    assert history.transfer(1, 1).trans_id == 1
    assert history.transfer(1, client_id="t1").trans_id == 2
    assert history.transfer(1, 3) is None
    assert history.transfer(2, 3).ts == T0
    assert history.transfer(1, client_id="nope") is None
