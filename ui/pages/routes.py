from ui import routes
from ui.common import run_page

run_page(routes.render)
