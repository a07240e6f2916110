"""The Synapse fixture and the TestUser client on their own, with two users and no bot."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.matrix.client import TestUser
from tests.matrix.conftest import MakeUser
from tests.matrix.synapse import SynapseServer


async def open_dm(a: TestUser, b: TestUser, encrypted: bool) -> str:
    """A opens a DM with B; B accepts the invite like a person would."""
    dm = asyncio.create_task(a.dm(b.user_id, encrypted=encrypted))
    room_id = await b.wait_for_invite(a.user_id)
    await b.join(room_id)
    assert await dm == room_id
    return room_id


async def test_server_answers_on_loopback(synapse: SynapseServer) -> None:
    assert synapse.url == f"http://127.0.0.1:{synapse.port}"
    assert synapse.running


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
async def test_dm_text_reaches_the_other_user(make_user: MakeUser, encrypted: bool) -> None:
    a, b = await make_user("anna"), await make_user("bo")
    room_id = await open_dm(a, b, encrypted)
    room = a.client.rooms[room_id]
    assert room.encrypted is encrypted

    event_id = await a.send(room_id, "hej bo", mentions=[b.user_id])
    [got] = await b.wait_for_messages(room_id)
    assert got["event_id"] == event_id
    assert got["sender"] == a.user_id
    assert got["content"]["body"] == "hej bo"
    assert got["content"]["m.mentions"] == {"user_ids": [b.user_id]}
    assert got["encrypted"] is encrypted
    assert got["ts"] > 0

    # And back: B's reply is an m.notice, as a bot's would be, in a thread on A's message.
    await b.send(room_id, "hej anna", msgtype="m.notice", thread_root=event_id)
    [reply] = await a.wait_for_replies(room_id)
    assert reply["content"]["body"] == "hej anna"
    assert reply["encrypted"] is encrypted
    relates = reply["content"]["m.relates_to"]
    assert relates["rel_type"] == "m.thread"
    assert relates["event_id"] == event_id
    assert relates["m.in_reply_to"] == {"event_id": event_id}


async def test_messages_are_returned_once_and_in_order(make_user: MakeUser) -> None:
    a, b = await make_user("anna"), await make_user("bo")
    room_id = await open_dm(a, b, encrypted=True)
    for n in range(3):
        await a.send(room_id, f"notis {n}", msgtype="m.notice")
    await a.send(room_id, "text", reply_to="$not-checked")

    first = await b.wait_for_replies(room_id, count=2)
    second = await b.wait_for_replies(room_id)
    assert [m["content"]["body"] for m in first + second] == ["notis 0", "notis 1", "notis 2"]
    assert [m["content"]["body"] for m in b.notices(room_id)] == [
        "notis 0", "notis 1", "notis 2"]
    [text] = await b.wait_for_messages(room_id)
    assert text["content"]["m.relates_to"] == {"m.in_reply_to": {"event_id": "$not-checked"}}
    # Own messages are never collected.
    assert a.messages(room_id, msgtype=None) == []


async def test_too_few_messages_is_a_clear_timeout(make_user: MakeUser) -> None:
    a, b = await make_user("anna"), await make_user("bo")
    room_id = await open_dm(a, b, encrypted=False)
    # timeout=0: checks what has arrived and gives up at once, no waiting on the clock.
    with pytest.raises(TimeoutError, match=r"got 0 of 1 new m\.notice messages"):
        await b.wait_for_replies(room_id, timeout=0)


async def test_group_room_is_not_direct(make_user: MakeUser) -> None:
    a, b, c = await make_user("anna"), await make_user("bo"), await make_user("cilla")
    room_id = await a.group_room([b.user_id, c.user_id], encrypted=True, name="personal")
    for user in (b, c):
        assert await user.wait_for_invite(a.user_id) == room_id
        await user.join(room_id)
    for user in (b, c):
        await a.wait_for_member(room_id, user.user_id)
    await a.send(room_id, "till alla")
    for user in (b, c):
        [got] = await user.wait_for_messages(room_id)
        assert got["content"]["body"] == "till alla"
        assert got["encrypted"] is True


async def test_restart_keeps_users_rooms_and_port(
    synapse: SynapseServer, make_user: MakeUser, tmp_path: Path
) -> None:
    a, b = await make_user("anna"), await make_user("bo", encryption=False)
    room_id = await open_dm(a, b, encrypted=False)
    port = synapse.port

    await asyncio.to_thread(synapse.restart)

    assert synapse.port == port
    assert synapse.running
    # The users are still there: B logs in again with a new device...
    again = await TestUser.create(synapse.url, b.user_id, b.password, tmp_path / "again",
                                  encryption=False)
    try:
        # ...and A's existing client recovers and still reaches B in the same room.
        await a.send(room_id, "efter omstarten")
        [got] = await again.wait_for_messages(room_id)
        assert got["content"]["body"] == "efter omstarten"
    finally:
        await again.close()
