from ui import saved
from ui.common import run_page

run_page(saved.render)
