"""The channels: Slack, the web widget and pages, terminal rendering for the command line.
Each renders what the ``Doctor`` facade returns and decides nothing itself."""
