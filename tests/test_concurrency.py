"""Two analysts entering figures at the same moment both succeed, and nothing is lost."""

import multiprocessing
import time

from dispstats.store import Store
from dispstats.store.demo import load_demo
from dispstats.store.entry import add_figure

PER_PROCESS = 200


def enter_figures(db: str, analyst: int, start_at: float) -> int:
    """One analyst's session: PER_PROCESS separate `add` transactions, as the CLI makes them."""
    with Store.open(db) as store:
        while time.time() < start_at:
            time.sleep(0.001)
        for n in range(PER_PROCESS):
            add_figure(
                store,
                {
                    "site": "Rukban",
                    "indicator": "population",
                    "value": str(10_000 * analyst + n),
                    "date": "2018-09-16",
                    "source": "ocha-2018-09",
                    "excerpt": f"analyst {analyst} #{n}",
                },
            )
    return PER_PROCESS


def test_two_processes_adding_200_figures_each_at_once_store_all_400(db_url):
    with Store.init(db_url)[0] as store:
        load_demo(store)
        before = store.counts()["figures"]
    context = multiprocessing.get_context("spawn")
    start_at = time.time() + 2.0  # both start writing at the same moment, after spawning
    with context.Pool(2) as pool:
        done = pool.starmap(enter_figures, [(db_url, 1, start_at), (db_url, 2, start_at)])
    assert done == [PER_PROCESS, PER_PROCESS]
    with Store.open(db_url) as store:
        figures = [f for f in store.figures() if (f.excerpt or "").startswith("analyst")]
        assert store.counts()["figures"] == before + 2 * PER_PROCESS
    values = sorted(f.quantity.low for f in figures)
    expected = sorted(10_000 * a + n for a in (1, 2) for n in range(PER_PROCESS))
    assert values == expected  # none lost, none duplicated
