from ui import explore
from ui.common import run_page

run_page(explore.render)
