"""Every Python example of our README (the front page) runs, in order, against the sandbox."""

from doc_examples import ROOT, python_blocks, run_blocks

from message_media_messages import MessageMediaMessagesClient

README = ROOT / "README.md"


def test_readme_has_its_examples():
    blocks = python_blocks(README)
    assert len(blocks) >= 2
    assert any("send_messages" in b for b in blocks) and any("send_batch" in b for b in blocks)


def test_every_readme_example_runs_against_the_sandbox(tmp_path, monkeypatch, capsys):
    namespace = run_blocks(README, tmp_path, monkeypatch)
    client = namespace["client"]
    assert isinstance(client, MessageMediaMessagesClient)
    assert client.config.base_uri.startswith("http://127.0.0.1:")
    assert namespace["batch"].counts == {"accepted": 150}
    assert len(namespace["stored"]) == 151  # the first send, then the batch
    out = capsys.readouterr().out
    assert "queued" in out and "{'accepted': 150}" in out
    client.close()


def test_readme_clients_never_default_to_the_real_api_in_tests():
    # The examples must not name a real host other than in comments.
    code = "\n".join(python_blocks(README))
    assert "api.messagemedia.com" not in code.replace("# region", "")
    assert "client = MessageMediaMessagesClient(" in code
