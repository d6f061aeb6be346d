from ui import console
from ui.common import run_page

run_page(console.render)
