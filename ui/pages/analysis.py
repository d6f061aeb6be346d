from ui import analysis
from ui.common import run_page

run_page(analysis.render)
