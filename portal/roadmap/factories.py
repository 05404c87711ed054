import datetime

import wagtail_factories

from .models import RoadmapPage


class RoadmapPageFactory(wagtail_factories.PageFactory):
    title = "Roadmap"
    slug = "roadmap"
    aim = "Every health and care setting in the city measurably safer."
    target_date = datetime.date(2027, 12, 31)

    class Meta:
        model = RoadmapPage
        django_get_or_create = ("slug", "parent")
