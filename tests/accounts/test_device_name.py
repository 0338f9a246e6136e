"""Device names on the devices page come from the user agent, short enough to recognise."""

import pytest

from survey_app.devices.sessions import device_name

AGENTS = {
    "Mozilla/5.0 (Linux; Android 10; SM-A105F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36": "SM-A105F (Android 10)",
    "Mozilla/5.0 (Linux; U; Android 8.1.0; vi-vn; Redmi 6A Build/O11019) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/61.0 Mobile Safari/537.36": "Redmi 6A (Android 8.1.0)",
    # Chrome's reduced user agent hides the model behind "K"
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36": "Chrome, Android",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15": "iPhone",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36 Edg/120.0": "Edge, Windows",
    "": "Không rõ thiết bị",
}


@pytest.mark.parametrize(("agent", "name"), AGENTS.items())
def test_device_name(agent, name):
    assert device_name(agent) == name
