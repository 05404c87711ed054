"""The portal's own wording of the nine primary-care safety culture dimensions.

Written for this portal in plain words (the level names follow the usual maturity
ladder); used once, by migration 0002, to seed the framework editors then own.
"""

FRAMEWORK_NAME = "Safety culture in primary care"
FRAMEWORK_DESCRIPTION = (
    "Nine dimensions of safety culture, each rated on five maturity levels from pathological to generative. "
    "Everyone rates privately; the team then talks about where views differ and agrees actions."
)

# (name, what it covers, [pathological, reactive, bureaucratic, proactive, generative])
DIMENSIONS = [
    (
        "Overall commitment to quality",
        "How much the practice invests time, money and attention in doing things well.",
        [
            "Quality is someone else's problem; we do the minimum to stay out of trouble.",
            "We look at quality when an inspection is due or after something has gone wrong.",
            "We have quality policies and audits, but they are mostly paperwork.",
            "Everyone can name how we are improving this year, and time is set aside for it.",
            "Improving care is simply how we work; staff and patients shape the plans together.",
        ],
    ),
    (
        "Priority given to patient safety",
        "Whether safety comes first when it competes with targets, workload or cost.",
        [
            "Safety is rarely mentioned unless a complaint forces it.",
            "Safety gets attention after a scare, then slips back behind everything else.",
            "Safety has its own procedures and a named lead, but is seldom discussed in practice meetings.",
            "Safety is on every meeting agenda and people feel able to stop work that looks unsafe.",
            "Everyone sees safety as part of their own job and it shapes every decision we make.",
        ],
    ),
    (
        "Perceptions of the causes of incidents and their identification",
        "How we think about why things go wrong, and how we notice them.",
        [
            "Incidents are put down to careless individuals; people keep quiet to avoid blame.",
            "We look for who made the mistake, and report only what we cannot hide.",
            "We report incidents because the system asks us to, mostly ticking boxes.",
            "We look at systems and processes first, and near misses are reported as readily as harm.",
            "Reporting is welcomed and thanked; spotting risk early is seen as everyone's contribution.",
        ],
    ),
    (
        "Investigating incidents",
        "How we find out what happened and why.",
        [
            "Incidents are not looked into unless someone outside insists.",
            "Investigations are quick hunts for someone to blame, done under pressure.",
            "Investigations follow a form and a timetable, but rarely reach the real causes.",
            "Trained people look at the whole system with those involved, and share what they find.",
            "Investigation is a chance to learn; the people involved and patients help shape it.",
        ],
    ),
    (
        "Organisational learning following an incident",
        "Whether what we find out leads to lasting change.",
        [
            "Nothing changes after an incident; the same things keep happening.",
            "A quick fix is made for the case in hand and soon forgotten.",
            "Lessons are written into a report or policy that few people read.",
            "Changes are tried, checked and shared across the practice.",
            "Learning spreads beyond the practice, and we seek out others' lessons too.",
        ],
    ),
    (
        "Communication about safety",
        "How safety information is shared between staff, teams and patients.",
        [
            "Bad news is hidden; people hear about problems by rumour.",
            "Safety messages go out only after something has gone wrong, often as warnings.",
            "There are set channels and bulletins, but conversations are one-way.",
            "Staff at every level raise concerns openly and hear back what happened.",
            "Talking about safety is open, two-way and includes patients and partner services.",
        ],
    ),
    (
        "Personnel management and safety",
        "How staffing, workload, health and performance issues are handled with safety in mind.",
        [
            "Staff problems are ignored until they become a crisis; people fear speaking up.",
            "Problems are handled by discipline after the event.",
            "There are HR procedures, applied by the book rather than with thought for safety.",
            "Workload and wellbeing are watched, and people are supported early.",
            "Staffing decisions are made with safety in mind, and staff help shape them.",
        ],
    ),
    (
        "Staff education and training about safety",
        "What people learn about safety, and how.",
        [
            "There is no safety training beyond what is legally required, if that.",
            "Training is arranged after an incident, for the people involved.",
            "Everyone completes mandatory modules, mainly to keep records up to date.",
            "Training is planned from what we have learned, and people practise together.",
            "Learning is continuous, shared between roles, and staff teach one another.",
        ],
    ),
    (
        "Team working around safety",
        "How well people work together to keep care safe.",
        [
            "People work in silos and protect themselves; there is little trust.",
            "Teams pull together in a crisis, then go back to working separately.",
            "Roles and meetings are set out on paper, but hierarchy limits who speaks.",
            "Everyone's view is valued, and we check in with each other during the day.",
            "Teams, including other services, share responsibility for safety and learn together.",
        ],
    ),
]
