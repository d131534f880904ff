"""The Slack channel: ``/sparkdoctor`` and its interactive walk, rendered with Block Kit.

``verify`` checks Slack's signature (with ``slack_sdk``) and reads the form; ``channel`` turns
a verified request into an acknowledgement and a follow-up job that calls ``Doctor``;
``blocks`` and ``messages`` render results within Block Kit's limits (``kit`` and ``mrkdwn``
hold the pieces); ``actions`` encodes what buttons carry; ``responder`` posts to Slack.
The routes live in ``service/api/routes/slack.py``; the app manifest is ``manifest.yaml``.
"""
