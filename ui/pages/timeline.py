from ui import timeline
from ui.common import run_page

run_page(timeline.render)
