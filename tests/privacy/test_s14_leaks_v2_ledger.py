"""A tracker state saved by sparkus before ratings were counted per session, loaded today.

A version-2 state file keeps the rating figure's release ledger with one bit per participant
(whether they counted in their cell's last release); today's ledger keeps one per rated session,
so that a rater's further rating is a new contributor (tests/privacy/test_s14_redteam_ratings.py).
A saved tracker carries the release history the protection depends on, so the file loads: each
participant's bit goes to their sessions rated by that release, by the state's rating times.
Loaded, it protects a rating given since as the redteam test does on a tracker never saved, and
it publishes again what nothing changed; saved, it is a version-3 file.

What a version-2 file cannot say is when a rating was added: one dated before the saved release
but added after it, by a rater who counted in that release, is taken as counted then, and the
next release can give it back (the last test, a known leak).
"""

from __future__ import annotations

import base64
import io
import json
import zlib

import numpy as np
import pytest

from sparkus.metrics import Tracker
from sparkus.metrics._tracking.state_file import VERSION
from tests.privacy.world import day, events, person_range, tracker_of

_DEPARTMENTS = ["Sales"] * 6 + ["Ops"] * 6
_TWICE = (1, 2, 3, 4, 7, 8, 9, 10)
"""Who rated coaching-2 (7.0, day 12.5) as well as coaching-1 (8.0, day 14.5), before day 15."""

# Saved by sparkus at commit 2df074a (version 2), zlib-compressed and base64-encoded:
#   t = tracker_of({"department": _DEPARTMENTS})
#   t.update(events([(i, "session_rated", "coaching-1", 14.5, 8.0) for i in range(12)]
#                   + [(i, "session_rated", "coaching-2", 12.5, 7.0) for i in _TWICE]))
#   t.snapshot(day(15)); t.save(buffer)   # it showed every mean rating: 7.6
_V2 = (
    "eNrtXV9sHEcZ/9wSqC4pSaWYRpWTnIljG+IE7+bs2mlaHP4kLSbJ0TTQxLjH5nbvfIrPd9ytHYUkwolQiUQVWaGCqg9V"
    "EEGUlwJShQoPVYGCeIgqXqC0FJq8gBAKjUIfgAjCTvONPTM3Ozv23Tkea6+dfL67nd/Ob+a338zsfLOXHr7zfVvh1qsd"
    "rlcPvXkTX3fBWih6vrNtony8BdZAxwduHUXtN/cd3Js+1AJTcKLL9arZSteOZNfOgym7r6sn2ZUrVfyKM5EpVVyPfLPb"
    "Ga96wefVMafsBe+7P9KTPJWs45U4EZThw0HKBakUpEqQikFyguTjdzuClMS/q0Eq4/fk2KNBmsTPt2GeCn6fxe89/Izk"
    "72GwppjvSP4ClmFCOK8t5CtjHnJsnjlfUVLeNOKO4/G+pBxFPIacN8NglpBbGT+nZfwKlps9V5+AWUX+Y3isi1jjkrzk"
    "bwuPITjbg9SLNoV/0+/I+/4gDQrHuZhSiNWH53GwbfsxpfA9qdMjaFOSOjnG1ImLdXEM68FF3OPIk+ViIZ6svTymHn18"
    "Xw7RmId1Rcq6Fc9XZb6jfxfx/URI25ax7PScOudn241qmOIUmHNtxfLRzxwss1gG2uZTDC/2nL147QxKdMRq3WfK5AvX"
    "C+U1xlybXsh5xHPI9C62K/UTLlNv9Dx+SDvQvCP4fr+AzZbhAFN/HnPMaJBOaZSXtkEe62KC8QmehM/IAviMhrSri+dl"
    "/ZxYbxWm7T1Gz17INSSex2F0Kx47gG1LfYGF1zr7ueza9lEvY0zZXEk9jUp8m8/0F54kH+0HJvF7GZ/jgv8XtXoKU5rr"
    "Xb/+x3c30N51bdC7Vn3H9zK5QqXqZ9zShEd7WliBWVaoetrCgFY/a6VSPfX1tQks8ldjG9vYxnaxLe9Fu1776HPUi66Z"
    "9aLk38nqUvWgWJrp2MY2trFdbBvuQefGocXSlOdm/ELRi71obGMb29iqvOjL5556PMyLus7xeY5Fc4vsRa/djG1sYxvb"
    "xba8F3197S/2Uy/aOutFK45fmMgbPRh95X97j8Lcq+GdEcV/ZWS4KeeJ8ZdG+8b6ifUTPRh9N/VOovam6C03avZANDnU"
    "3A6J4rcNxfi3E7/Z7RvrJ9aPaiAqvylazZYqXnxTNLaxjW1s53VTdDXvReP7obGNbWxjqxqGTlevnq6dyDtZvzA160Ev"
    "tNw6mlq5B53U9KB2T3J7XS40AUMgf6Wb/PnQPD+/TeXhW7j355f+Q1t4ZdDC+UppspzppY17GQ+ktr75hV1n75hMoMZA"
    "1873xVeOM/q3J2nlbAwqZ9xz814lU3YqfiFbKDt+oTSR6c0cKfiz66tnMPMZVYWdnLS0Kqzu+kombl7jKb359uAzlFJH"
    "OKXy5JHxQnXMcymvs4hwtiFCqJ/X9Pf3Ha1tMOvVme9Rdu3h7Kac8UmvOj9qukPAnqTVkCFg99ACtGgZpcU/vVouRmrR"
    "qtXiDCLMNEKLduO0KNfkp+69oytSk5agST2KOV2KDdLkuiFqF6BNe/n5SXtZ+0nbSD/51gv//TOl1jZHLVsqlsc9SYd9"
    "HnOeb4QQrYG6Rzj/Wj0t/B8uzPYQfoaqcuWWe85RahtCqJkgSZFXtCQtoyXJ9uPtIfwM78S/tWrboFqaZvTgYTOdaIna"
    "Rkt0Y+q7L6olKunL0ziLTLc0QqL9dZMUJRpmbxry4pto17VjI+pLTByQ6LVPTrt96rzGErDMXuGD/HVz7YPBkebeBVkv"
    "4WLoAOpt72v/pLTuk9BqYg8VDJ7shvRQ2aGFyM/cGx/rJVwMHyz9eOpjr4fLUBwoXcB8Fxo0UGqMDA8Id88PhMhy9aPl"
    "5yVcy5VSvuJVq0vcL4psfvfsH34vu5Ezx2bJe0b54IKdWrZJiZk4sYwSn2WU+H7410NK8RngF9UjXHYS2SYlaPIU8sZb"
    "N56l7Drn2I0VXNebUK6ZiVE8dQmzt/4egOf1qxN7ZgceWyJ51UhUi5yuRHvrb0QhznTP07OLE92R5Hh56jHL6TOrj1xi"
    "4XK0DJLjAysLl3TlaDVfjo0l98b9PyvqytFqshzt2yZHe5l6R3s5e0fbKO/42pf/fZIy21TDLHSxrNFatAbqu+MWrsVu"
    "NSmDhbhZzWxZqtAySIVsB92tJmVw77xZzcykrllbhbZBKjx8/ds/0lLhInTKdn8jmb20+7mHtFTY7B65zhUjxQBxYw0t"
    "6SqLOSPDjnBChvXEuZlffkeykCyyanovbDdnahKqPFOnyB3hhAzrfZ+5fPXvkcpbhJ63ScqrpRSyhmKO1+tUUTJ4BrJJ"
    "xcvUe4QK/Znq+zpVlAyee2xS8VrqM4+WO7beyf/EEfkJI5LuYh/A815IE/3BIzEX+emG9zYsB2ktl+uJAEf2Qw4iAnm+"
    "BEVYwyFcXAU1DzFX5ebP/5d7QPoAXxGB7MyWI/TcC9KHV4oI5FFtFKGVQ6i0gfzBbSIEeUyRvBJ+2g41Dy3Sr4QbnSB9"
    "YIeqElZzCLt6QNysLmYmWzPJlkuS+MKfsaBmo6aYm2z7u4z7+lZyud3twG4CFDOSMJwzuIi8kct4OgVRG+REMBKGdRZX"
    "2Ts4sMf6QGtrmohINjZQxHYO0e6H6O1g+mzvvh+itmCJYCTqZwaXc3m2l8PBlGzJ1iKKyLP99QBEbzTSZ/uDQYja1KPf"
    "tid3gNZ2Gv22PfwARG9hEeFIyPN5DGFu4+D6doJy24iKKl+w1gcheoOGCEdiVSjcBg7uWgjcQkj+5iFQbkRQqZcn+fzH"
    "ITrkX4QjsRAUjif5jSGICK/XJ3l0FyhD2UUkEiZOoolJ4kkOfwKig8ZFOBLSTOF4kv/4JEQEOKsuznUc1rlPQ2gwrkqq"
    "6/lraDeow2BFKBJsSlvwPg7K2gOK0FN9Ync/DKFhnip58sTekKAoiZHwxQsYkMgTe+kRUAQzijgkOosS43EufgYUgYIi"
    "DgnKo23Gu+XKMESF6KmcC3+tDH8WlGFx+vTa94IiFE3EIWFftOV4eu9IcbTdCk/vt/tAGXAlIpG54TTOHDo5pBf2g2Zw"
    "k4hJbg5QzC0c5pNpmE9gUc1YNJidU+BuDjj7OdAO6tGvggcfBc2AGhGTzE/lVdB6AOYTzCICkwmivAquRwIvpAouPQaa"
    "QRz6Krh4EOYTQKGvgtOfB+3gBRGVLI9R1E0c6sgXQCdwQMWfL2bv46C9aK8iv5lDTRwCvQVzfeZXVJB64ueZ/+QwaC8U"
    "q5TPM58ZAb1FWn3m+S+CzgKpCEiWI+XMd46C9uKkiEqWAuXMP/QE6C0Mqi54vje6WgMZOdpilc7PgV7OgNaCmIhIlp8o"
    "Ij9AffpLEL0Ypc8270DUQpBK3TzbgSOgtQgjIpIlDznbD2YhegFExZaHu1IDpzEuY1uX7xtedEHzxr/Ki/EX3lMe6Nx0"
    "1+fs5CD6hreqjXnOqTxo3mxW+S+e86ox0LnRmx5e8X6SYU/w38FWgCvkh3jh/ycBqow="
)

# Saved the same way: the twelve rate coaching-1 (8.0, day 14.5), day 15 is released (every
# mean 8.0), then person 0's rating of coaching-2 (2.0) dated day 12 arrives, and it is saved.
_V2_LATE = (
    "eNrtXV9sHEcZ/9wSqJyUpCKmUeXEZ+LYhjjBuzm7dpoWhz9JqElq2gaSGPfY3O6dT/b94W7tKCRR3TyUSFSRFSpS9aEK"
    "alDKS0EiqgoPVREF8RBVvIBoKZC8gBAqRFEfgAjCTvKNPTM3Ozv23RmPtdtOxne789v5zfz2m3/f7I0M3/2hbXDnaIcb"
    "lcPv3sLjHlgPec93thdKx5tgHXR85M5VNP7OgYP7Rw43wTSc6HK9SrrctTPRtetg0u7r6kl0ZYplv+wUUsWy65Eze5zJ"
    "ihd8Xxl3Sl7wufuTPYlTiRqO5hNBHj4RhEwQikEoByEfBCcIPp7bGYQE/l0JQgnPk2sngjCF32/HNGU8n8bzHn5H0vcw"
    "WNPMOZI+h3koCPe1hXQlTEOuzTL3y0vyO4K4k3i9L8lHHq8h900xmEXkVsLvaR6/iflm79UnYFaQ/zhe6yLWpCQt+dvC"
    "awjOjiD0YpzEv+k58rk/CIPCdS6GJGL14X0crNt+DEn8TMr0KMZJSZkcY8rExbI4huXgIu5x5MlysRBPVl8eU44+fi6F"
    "aMzDsiJ53Yb3qzDn6N95/FwIqdsS5p3eU+f+bL1RDVOcHHOvbZg/+p2DeRbzQOt8muHF3rMXn51BiY5YrftMnnzheaG8"
    "xpln0wu5j3gPmd7FeqV2wmXKjd7HD6kHmnYUPz8mYLN5eIIpP4+5ZiwIpzTyS+sgi2VRYGyCJ+Ezugg+YyH16uJ9WTsn"
    "lluZqXuP0bMX8gyJ93EY3YrXDmDdUltg4bPOfi97tn3UyziTN1dSTmMS2+Yz7YUnSUfbgSk8L+NzXLD/olZPYRjhWtdv"
    "/f6DTbR1XR+0rhXf8b1UJleu+Cm3WPBoSwurMMkqVUubG9BqZ61ksqe2trYZs/x0HMdxHMfxUse8Fe16+1MvUSu6bs6K"
    "kn+nKsvVgmJuZuI4juM4jpc6Dreg8/3QfHHac1N+Lu/FVjSO4ziO41hlRd84+9yhMCvqOscX2BfNLLEVvX4rjuM4juN4"
    "qWPein7w6V0fo1a0Zc6Klh0/V8ga3Rl987/7J27/9eNHJ2D+qFtjNIffoMYuxo/xY/zli8+b0bZLl2aqJ0XvmFGzO6KJ"
    "Icz1UGMapMRQYxu8GD/Gj/GXI77OpGglXSx78aRoHMdxHMfxgiZF1/JWNJ4PjeM4juM4VnVDn37tzY7qgbyT9nPTcxb0"
    "QtOdq2kst6BTmhbU7knsqMmENt/eqiA7huLvycHXcO/Prvyb1vDqoIaz5eJUKdVLK/cqXkjj2sYXdo2tY6IZNQa68UIP"
    "vnCcsb8+SwunLSicSc/NeuVUySn7uXSu5Pi5YiHVmzqa8+fWV09j4tOqAjs5ZWkVWM3llWi+dZ2n9O6fBl+glDrCKZWm"
    "jk7mKuOeS3mdQYQzdRFC7bxmLh2YqK4w663Z71N27eHspp3JKa+yMGq6XcCehFWXLmD30CK0aBmlxT+8VcpHatGq1uIs"
    "IszWQ4t2/bQo1+Tn77+rK1KTlqBJPYoZXYp10uSGIRovQpv2yrOT9oq2k7aRdvK9V//zR0qtdZ5aupgvTXqSBvscpjxX"
    "DyFaAzX3cP65dkb4P1yY7SH8DFXl6q33naXUNoVQM0GSIq9oSVpGS5Jtx9tD+BneiH93zfZBtTTNaMHDRjrRErWNlmhb"
    "8uXLaolK2vIRHEWONNVDov01kxQlGhbfMuTgq2j39WOj6kdM7JDo1U9Gu35qfMaaYYUd4Z38DfP1g86R5s6CbJRwMbQD"
    "ta71fJrSekBCq4EtVNB5suvSQh0aWoz8zJ342CjhYnhn6dz5/avCZSh2lC5gugt16ijVR4b7hNnzfSGyXPt46RUJ11K5"
    "mC17lcoyt4sim9+8+LvfyiZy5tkse8so71ywQ8tWKTETB5ZR4rOMEt8P/3JYKT4D7KK6h8sOIlulBE0eQt587+aLlF3n"
    "PLvxnOt6BeWamejFU5Mwe2tvAXhevzixd67jsTWSV5VEtcjpSrS39koU/Ez3Pj+3ONEdSY6Xpx6zjD6z2sg1L16OlkFy"
    "fGh17oquHK3Gy7G+5N558Kd5XTlaDZaj/X+To71CraO9kq2jbZR1fPsb/zpJmW2uYha6WFZvLVoDtc24hWuxW03KYCFu"
    "UTNbkSq0DFIh20B3q0kZ3DpvUTMzqWnWVqFtkAqP3Dj/Iy0VLkGjbPfXk9nre156REuFjW6Ra1wxUnQQ26poSVdZzOkZ"
    "doQTMqwlzsz+/HuShWSRVcNbYbsxQ5NQ5Zk6RO4IJ2RY6/vC1ff/Fqm8JWh5G6S8akohayjmWL1OFSWDRyCbVbxMnSNU"
    "6M9U29epomTw2GOzitdyH3k03bXtbv4njshPGJFwD/sCntsuTfQHj8RU5Kcbbm9YDsJ6LtVTAY7shxxEBPJ+CYqwjkO4"
    "uAaqXmKuSs3f/8/3gfQFviIC2ZktR+i5H6QvrxQRyKvaKEILh1BuBfmL20QI8poieSH8pB2qXlqkXwg3O0H6wg5VIazl"
    "EHb3gLhZXUxMtmaSLZck8Jk/bUHVRk0xNdn2dxX39a3mUrs7gN0EKCYkbjincRG5jUv4TBKiNsiJYMQN6wyusndwYE/2"
    "gdbWNBGRbGygiO0cot0P0dvB9Nne+yBEbcESwYjXzywu5/Jsr4aDKdmSrUUUkWf7ywGI3mikz/YHgxC1qUe/bk/uBK3t"
    "NPp1e+QhiN7CIsIRl+dz6MLcysH17QLlthEVVT5jLQ9D9AYNEY74qlC4TRzc9RC4xZD81SOg3IigUi9P8pXPQLTLvwhH"
    "fCEoHE/y20MQ4V6vT3JiNyhd2atahOTLl4k3MQk8yeHPQrTTuAhHXJopHE/y75+DCAdn1cO5gcM6+wUIdcZVSXUj/wzt"
    "AbUbrAhFnE1pDT7AQVl7QeF6qk/s3n0Q6uapkidP7B0JipIYcV+8gA6JPLHXvwgKZ0YRh3hnUWI8zsVHQeEoKOIQpzxa"
    "Z7xZLg9DlIueyrjwz8rwl0DpFqdPr30/KFzRRBzi9kVrjqf3DymOtlnh6f36ACgdrkQkMjacwZFDJ4f06mOg6dwkYpLJ"
    "AYq5lcN8dgQW4lhU1RcNRucUuJsDTn8ZtJ169Ivg4cdB06FGxCTjU3kRtDwBC3FmEYHJAFFeBDcigRdTBFeeBE0nDn0V"
    "XDwIC3Gg0FfBM18BbecFEZUsj1HUzRzq6FdBx3FAxZ/PZu8h0F60V5HfwqE2Hwa9BXN95tdUkHri55m/dgS0F4pVyueZ"
    "z46C3iKtPvPs10BngVQEJMuRcua7xkB7cVJEJUuBcuYffwr0FgZVDzzfGr1fBRnZ22KVzo+B3kiB1oKYiEiWnygi30F9"
    "/usQvRilzzbrQNRCkErdPNuBo6C1CCMikiUPOduPpiF6AUTFloe7VgWn0S9ja5dvGy67oDnxr7Ji/IP3nAc6k+76nJ0M"
    "RE94q+qY55zMguZks8p+8ZzXjIPORO/I8KoPkwR7g/8OtgBcIz/EC/8D2RKkqg=="
)


def _loaded(blob=_V2):
    """The saved tracker, loaded on its program and schedule."""
    tracker = tracker_of({"department": _DEPARTMENTS})
    data = io.BytesIO(zlib.decompress(base64.b64decode(blob)))
    return Tracker.load(data, tracker.program, tracker.schedule)


@pytest.mark.parametrize("step", ["coaching-2", "coaching-1"], ids=["new-session", "again"])
def test_a_rating_given_after_loading_keeps_its_width(step):
    """Person 0 rates a new session, or theirs again, after the load: it keeps its width.

    Loaded with every session counted as changed (no bits), Sales' ten ratings would all be
    new and its mean shown: this test fails with that migration as with the old code.
    """
    tracker = _loaded()
    tracker.update(events([(0, "session_rated", step, 26.5, 2.0)], first_id=100))
    after = tracker.snapshot(day(27))
    # One variable per rating: the 12 of coaching-1, the 8 of coaching-2, then person 0's new
    # one, which replaces their earlier rating of the same session.
    dept = np.array([*_DEPARTMENTS, *(_DEPARTMENTS[i] for i in _TWICE), "Sales"])
    n = len(dept)
    then = np.arange(n) < n - 1
    now = np.ones(n, dtype=bool)
    now[0] &= step != "coaching-1"
    # the saved release showed every mean: 7.6 for all, Sales and Ops
    cells = [(7.6, then), *((7.6, then & (dept == d)) for d in ("Sales", "Ops"))]
    cells += [(after.totals.mean_rating, now)]
    cells += [(r.mean_rating, now & (dept == r.group)) for r in after.groups["department"]]
    published = [(mask, mean * mask.sum()) for mean, mask in cells if mean is not None]
    low, high = person_range(n, published, np.arange(n) == n - 1, 0.0, 10.0, integer=False)
    assert high - low >= 0.5 * 1 * 10.0 - 1e-7, (low, high)  # docs/privacy.md's width


def test_a_loaded_tracker_publishes_what_did_not_change_and_saves_the_current_version():
    """Nothing new since the saved release: every rating cell is shown; saved, it reads back."""
    tracker = _loaded()
    snap = tracker.snapshot(day(16))
    assert snap.totals.mean_rating == pytest.approx(7.6)
    assert [r.mean_rating for r in snap.groups["department"]] == pytest.approx([7.6, 7.6])
    out = io.BytesIO()
    tracker.save(out)
    out.seek(0)
    assert json.loads(str(np.load(out)["meta"]))["version"] == VERSION
    out.seek(0)
    again = Tracker.load(out, tracker.program, tracker.schedule)
    assert again == tracker


@pytest.mark.xfail(strict=True, reason="a version-2 file cannot say when a rating was added (H33)")
def test_a_rating_dated_before_the_saved_release_but_added_after_it_keeps_its_width():
    """A rating added after the saved release, dated before it, by a counted rater: its width.

    The version-2 ledger says person 0 counted in day 15's Sales cell, and both their sessions
    are dated before day 15, so the load takes both as counted; Sales (8.0 over six ratings
    then) is shown again over seven, which gives back the 2.0. A tracker never saved withholds
    it (its ledger holds one bit per session). Left open: see the file's docstring.
    """
    after = _loaded(_V2_LATE).snapshot(day(27))
    dept = np.array([*_DEPARTMENTS, "Sales"])
    n = len(dept)
    then = np.arange(n) < n - 1
    cells = [(8.0, then), *((8.0, then & (dept == d)) for d in ("Sales", "Ops"))]
    cells += [(after.totals.mean_rating, np.ones(n, dtype=bool))]
    cells += [(r.mean_rating, dept == r.group) for r in after.groups["department"]]
    published = [(mask, mean * mask.sum()) for mean, mask in cells if mean is not None]
    low, high = person_range(n, published, np.arange(n) == n - 1, 0.0, 10.0, integer=False)
    assert high - low >= 0.5 * 1 * 10.0 - 1e-7, (low, high)
