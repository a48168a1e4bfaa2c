"""Travel durations (seconds) and distances (metres) between the places of a problem.

Geographic places get an ellipsoidal distance (Lambert's formula on WGS 84), computed
for every pair at once with numpy. The road distance is that straight line times the
caregiver's ``detour_factor``, and the duration is the road distance at the
caregiver's ``speed_kmh``. Both are rounded up to whole units, so a hop between two
distinct points costs at least 1 s and 1 m. Identical points cost nothing.

Matrix places use ``ProblemData.matrix`` as given, for every caregiver.

Every place of a problem gets a *place index*: the row of the matrices returned by
:meth:`Travel.matrices`. :meth:`Travel.visit_place`, :meth:`Travel.start_place` and
:meth:`Travel.end_place` map visits and caregivers to it.
"""

from __future__ import annotations

import logging

import numpy as np
from geopy.distance import ELLIPSOIDS

from .domain import Caregiver, InvalidInput, Location, ProblemData, Region

_logger = logging.getLogger(__name__)

#: Semi-major axis (km) and flattening of the WGS 84 ellipsoid, as geopy defines them.
_WGS84_A_KM, _, _WGS84_F = ELLIPSOIDS["WGS-84"]

#: Rounding tolerance: a value within this of an integer is that integer, so that
#: float noise never adds a second or a metre.
_ROUNDING_SLACK = 1e-6

#: Rows of the distance matrix computed at once (bounds the temporaries to a few MB).
_BLOCK_ROWS = 128


def geodesic_matrix(
    lats: np.ndarray, lons: np.ndarray, lats2: np.ndarray, lons2: np.ndarray
) -> np.ndarray:
    """Compute the distance in metres between every pair of two point sets.

    Parameters
    ----------
    lats, lons
        Latitudes and longitudes (degrees) of the row points, shape ``(n,)``.
    lats2, lons2
        Latitudes and longitudes (degrees) of the column points, shape ``(m,)``.

    Returns
    -------
    numpy.ndarray
        Float matrix of shape ``(n, m)``, from Lambert's formula for long lines on
        the WGS 84 ellipsoid. On random pairs from 1 m to 5,000 km apart it
        differed from ``geopy.distance.geodesic`` by less than 1.5e-6 of the
        distance (about 1 m at 750 km).
    """
    f = _WGS84_F
    # Reduced latitudes turn the ellipsoid problem into one on the auxiliary sphere.
    beta1 = np.arctan((1.0 - f) * np.tan(np.radians(np.asarray(lats, dtype=float))))
    beta2 = np.arctan((1.0 - f) * np.tan(np.radians(np.asarray(lats2, dtype=float))))
    lam1 = np.radians(np.asarray(lons, dtype=float))
    lam2 = np.radians(np.asarray(lons2, dtype=float))
    result = np.empty((beta1.size, beta2.size))
    # Blocks of rows keep the temporaries small and reused, which matters more for
    # speed than the arithmetic.
    for first in range(0, beta1.size, _BLOCK_ROWS):
        rows = slice(first, first + _BLOCK_ROWS)
        result[rows] = _lambert_block(beta1[rows], lam1[rows], beta2, lam2)
    return result


def _lambert_block(
    beta1: np.ndarray, lam1: np.ndarray, beta2: np.ndarray, lam2: np.ndarray
) -> np.ndarray:
    """Apply Lambert's formula to every pair of reduced latitude and longitude."""
    f = _WGS84_F
    # Every pairwise term comes from per-point sines and cosines through the angle
    # sum identities, so the n * m work is products and one arcsin. The half-angle
    # differences are differences of products: exact zero for identical points and
    # free of the cancellation that 1 - cos(x) suffers for short lines.
    sin_half_dbeta = _outer_difference(beta1 / 2.0, beta2 / 2.0)
    sin_half_dlam = _outer_difference(lam1 / 2.0, lam2 / 2.0)
    cos_b1_cos_b2 = np.outer(np.cos(beta1), np.cos(beta2))
    sin_b1_sin_b2 = np.outer(np.sin(beta1), np.sin(beta2))

    # Haversine of the central angle sigma: hav = sin^2(sigma / 2).
    sin_half_dbeta_sq = np.square(sin_half_dbeta, out=sin_half_dbeta)
    hav = np.square(sin_half_dlam, out=sin_half_dlam)
    hav *= cos_b1_cos_b2
    hav += sin_half_dbeta_sq
    np.clip(hav, 0.0, 1.0, out=hav)
    sin_half_sigma = np.sqrt(hav)
    cos_half_sigma = np.sqrt(1.0 - hav)
    sigma = 2.0 * np.arcsin(sin_half_sigma)
    sin_sigma = 2.0 * sin_half_sigma * cos_half_sigma

    # P and Q are the mean and half difference of the reduced latitudes.
    sin_p_sq = 0.5 * (1.0 - cos_b1_cos_b2 + sin_b1_sin_b2)
    cos_p_sq = 1.0 - sin_p_sq
    cos_q_sq = 1.0 - sin_half_dbeta_sq
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (sigma - sin_sigma) * sin_p_sq * cos_q_sq / (1.0 - hav)
        y = (sigma + sin_sigma) * cos_p_sq * sin_half_dbeta_sq / hav
    # Identical points (hav == 0) need no correction. Antipodes (hav == 1) fall back
    # to the auxiliary sphere, which no home health problem reaches.
    x[hav >= 1.0] = 0.0
    y[hav <= 0.0] = 0.0
    x += y
    x *= f / 2.0
    sigma -= x
    sigma *= _WGS84_A_KM * 1000.0
    return np.maximum(sigma, 0.0, out=sigma)


def _outer_difference(angles1: np.ndarray, angles2: np.ndarray) -> np.ndarray:
    """Return ``sin(angles2[j] - angles1[i])`` for every pair as an (n, m) array."""
    result = np.outer(np.cos(angles1), np.sin(angles2))
    result -= np.outer(np.sin(angles1), np.cos(angles2))
    return result


def round_up(values: np.ndarray) -> np.ndarray:
    """Round non-negative floats up to int64, ignoring float noise below 1e-6."""
    result = np.subtract(values, _ROUNDING_SLACK)
    np.maximum(result, 0.0, out=result)
    np.ceil(result, out=result)
    return result.astype(np.int64)


def check_region(problem: ProblemData) -> None:
    """Raise :class:`InvalidInput` for the first location outside ``problem.region``."""
    region = problem.region
    if region is None:
        return
    for visit in problem.visits:
        if isinstance(visit.location, Location):
            _check_point(region, visit.location, f"visit {visit.id!r}")
    for caregiver in problem.caregivers:
        for label, place in (("start", caregiver.start), ("end", caregiver.end)):
            if isinstance(place, Location):
                _check_point(region, place, f"caregiver {caregiver.id!r} ({label})")


def _check_point(region: Region, point: Location, owner: str) -> None:
    if region.contains(point):
        return
    where = (
        f"{owner}: location ({point.lat}, {point.lon}) lies outside the region "
        f"(latitude {region.min_lat} to {region.max_lat}, longitude {region.min_lon} "
        f"to {region.max_lon})"
    )
    swapped_inside = (
        region.min_lat <= point.lon <= region.max_lat
        and region.min_lon <= point.lat <= region.max_lon
    )
    if swapped_inside:
        raise InvalidInput(
            f"{where}; it lies inside once latitude and longitude are swapped, so give "
            "coordinates as (latitude, longitude)"
        )
    raise InvalidInput(
        f"{where}; check the coordinates and that they are given as "
        "(latitude, longitude)"
    )


class Travel:
    """Travel matrices of one problem, one per travel profile.

    Caregivers with the same ``(speed_kmh, detour_factor)`` share a pair of matrices.
    Problems with matrix places have a single profile: the given matrix.

    Parameters
    ----------
    problem
        The problem whose places are indexed. Raises :class:`InvalidInput` for a
        location outside ``problem.region``. Mixed or out-of-range places are
        rejected by :func:`homehealth_routing.validate.validate`, which callers run
        first.
    """

    def __init__(self, problem: ProblemData) -> None:
        check_region(problem)
        self._problem = problem
        caregivers = problem.caregivers
        places = [v.location for v in problem.visits]
        places += [c.start for c in caregivers]
        places += [c.end_place for c in caregivers]
        self._geographic = any(isinstance(p, Location) for p in places)
        self._cache: dict[
            tuple[float, float] | None, tuple[np.ndarray, np.ndarray]
        ] = {}

        if self._geographic:
            # Points at the same coordinates share one place index.
            index_of: dict[tuple[float, float], int] = {}
            place_ids = []
            for place in places:
                if not isinstance(place, Location):
                    raise InvalidInput(
                        f"place {place!r} is a matrix index in a problem with "
                        "coordinates; use one kind of place for the whole problem"
                    )
                key = (float(place.lat), float(place.lon))
                place_ids.append(index_of.setdefault(key, len(index_of)))
            points = np.array(list(index_of), dtype=float).reshape(-1, 2)
            self._straight = geodesic_matrix(
                points[:, 0], points[:, 1], points[:, 0], points[:, 1]
            )
            self.size = len(index_of)
        else:
            place_ids = [int(p) for p in places]  # type: ignore[arg-type]
            matrix = problem.matrix
            self._given = (
                (np.zeros((0, 0), np.int64), np.zeros((0, 0), np.int64))
                if matrix is None
                else (
                    np.array(matrix.duration, dtype=np.int64).reshape(matrix.size, -1),
                    np.array(matrix.distance, dtype=np.int64).reshape(matrix.size, -1),
                )
            )
            self.size = 0 if matrix is None else matrix.size

        n_visits = len(problem.visits)
        n_caregivers = len(caregivers)
        ids = np.array(place_ids, dtype=np.int64)
        self._visit_places = ids[:n_visits]
        self._start_places = ids[n_visits : n_visits + n_caregivers]
        self._end_places = ids[n_visits + n_caregivers :]

    @property
    def geographic(self) -> bool:
        """True when places are locations, False when they index the given matrix."""
        return self._geographic

    def visit_place(self, visit_index: int) -> int:
        """Return the place index of ``problem.visits[visit_index]``."""
        return int(self._visit_places[visit_index])

    def start_place(self, caregiver_index: int) -> int:
        """Return the place index of a caregiver's start location."""
        return int(self._start_places[caregiver_index])

    def end_place(self, caregiver_index: int) -> int:
        """Return the place index of a caregiver's end location."""
        return int(self._end_places[caregiver_index])

    def profile(self, caregiver: Caregiver) -> tuple[float, float] | None:
        """Return the key of the matrices a caregiver uses (None for a given matrix)."""
        if not self._geographic:
            return None
        return (float(caregiver.speed_kmh), float(caregiver.detour_factor))

    def matrices(self, caregiver: Caregiver) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(duration_s, distance_m)`` int64 matrices over place indices.

        The arrays are shared between calls and caregivers; do not modify them.
        """
        key = self.profile(caregiver)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if key is None:
            result = self._given
        else:
            speed_kmh, detour = key
            road_m = self._straight * detour
            distance = round_up(road_m)
            road_m *= 3.6 / speed_kmh
            duration = round_up(road_m)
            # A hop between two distinct points is never free, however short.
            distinct = self._straight > 0.0
            distance[distinct] = np.maximum(distance[distinct], 1)
            duration[distinct] = np.maximum(duration[distinct], 1)
            result = (duration, distance)
            _logger.debug(
                "travel matrices for %.1f km/h, detour %.2f over %d places",
                speed_kmh,
                detour,
                self.size,
            )
        for array in result:
            array.setflags(write=False)
        self._cache[key] = result
        return result

    def duration(self, caregiver: Caregiver, origin: int, destination: int) -> int:
        """Return the travel time in seconds between two place indices."""
        return int(self.matrices(caregiver)[0][origin, destination])

    def distance(self, caregiver: Caregiver, origin: int, destination: int) -> int:
        """Return the travel distance in metres between two place indices."""
        return int(self.matrices(caregiver)[1][origin, destination])
