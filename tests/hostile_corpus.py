"""Hostile strings for every field a person can write, shared by the server-side and browser tests.

``HOSTILE`` is the server-side suite's list (``tests/test_hostile_input.py``);
``CORPUS`` adds what a browser should also survive: more SVG and MathML
payloads, ``javascript:`` URLs on their own, template syntax of other engines,
SQL fragments, control and direction-changing characters, and a very long
string. Each payload that would run script calls ``alert`` with its own
marker, so a dialog names the payload that got through.
"""

HOSTILE = [
    "<script>alert('h1')</script>",
    "<img src=x onerror=\"alert('h2')\">",
    "<a href=\"javascript:alert('h3')\">click</a>",
    "<svg onload=alert('h4')><circle r=1></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('h5')>",
    "\"><iframe src=javascript:alert('h6')>",
    "{{ request.user.password }} {% debug %}",
    "'; DROP TABLE learning_learningnotepage; --",
]

CORPUS = [
    *HOSTILE,
    "javascript:alert('h7')",
    "<svg><a xlink:href=\"javascript:alert('h8')\"><text y=20>x</text></a></svg>",
    "<svg><animate onbegin=alert('h9') attributeName=x dur=1s>",
    "<math href=\"javascript:alert('h10')\">CLICK</math>",
    "<details open ontoggle=alert('h11')>",
    "<body onload=alert('h12')>",
    "'\"><input autofocus onfocus=alert('h13')>",
    "</textarea><script>alert('h14')</script>",
    "${alert('h15')} #{7*7} <%= 7*7 %> [[${7*7}]]",
    "1' OR '1'='1'; SELECT pg_sleep(5); --",
    "control\x07bell\x1bescape\u202eright-to-left\u200bzero-width\ttab",
    "long " + "ab<i>c</i>d " * 600,
]

# What the attacker's markup looks like once a browser has parsed it and serialised
# the DOM again (attributes quoted); escaped text never reads like this.
MARKERS = ["<script>alert", '<img src="x"', "<svg onload", "<iframe", 'ontoggle="', 'onfocus="', "<body onload"]
