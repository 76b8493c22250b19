/**
 * Positions: parsing `LAT,LON`, radii with units and `S,W,N,E` boxes; great-circle distance
 * (on a sphere of the mean Earth radius, 6371.0088 km, as IUGG defines it: within 0.5 % of the
 * ellipsoidal distance); and the latitude/longitude box around a circle that a spatial index
 * can search before distances are computed exactly.
 */
import { MetaErrorCode, metaError } from './errors.js';

/** IUGG mean Earth radius in kilometres. */
export const EARTH_RADIUS_KM = 6371.0088;

export interface LatLon {
  lat: number;
  lon: number;
}

/** South, west, north, east edges in degrees. `west > east` crosses the antimeridian. */
export interface BoundingBox {
  south: number;
  west: number;
  north: number;
  east: number;
}

const toRadians = (degrees: number): number => (degrees * Math.PI) / 180;

/**
 * Great-circle distance in kilometres: the central angle by the spherical form of Vincenty's
 * formula (atan2 of the cross and dot products), which, unlike the haversine, keeps full precision
 * for nearby points and for antipodes alike.
 */
export function distanceKm(a: LatLon, b: LatLon): number {
  const lat1 = toRadians(a.lat);
  const lat2 = toRadians(b.lat);
  const dLon = toRadians(b.lon - a.lon);
  const cosLat1 = Math.cos(lat1);
  const cosLat2 = Math.cos(lat2);
  const sinLat1 = Math.sin(lat1);
  const sinLat2 = Math.sin(lat2);
  const cosDLon = Math.cos(dLon);
  const x = cosLat2 * Math.sin(dLon);
  const y = cosLat1 * sinLat2 - sinLat1 * cosLat2 * cosDLon;
  const z = sinLat1 * sinLat2 + cosLat1 * cosLat2 * cosDLon;
  return EARTH_RADIUS_KM * Math.atan2(Math.hypot(x, y), z);
}

function parseNumbers(text: string, count: number, what: string, example: string): number[] {
  const parts = text.split(/\s*[,\s]\s*/).filter((p) => p !== '');
  const numbers = parts.map(Number);
  if (parts.length !== count || numbers.some((n) => !Number.isFinite(n))) {
    throw metaError(MetaErrorCode.META_BAD_QUERY, `expected ${what} as ${count} numbers like '${example}', got '${text}'`);
  }
  return numbers;
}

function checkLatLon(lat: number, lon: number, text: string): void {
  if (lat < -90 || lat > 90) throw metaError(MetaErrorCode.META_BAD_QUERY, `latitude ${lat} in '${text}' is outside -90..90`);
  if (lon < -180 || lon > 180) throw metaError(MetaErrorCode.META_BAD_QUERY, `longitude ${lon} in '${text}' is outside -180..180`);
}

/** `LAT,LON` in signed decimal degrees (`48.8584,2.2945`; south and west negative). */
export function parseLatLon(text: string): LatLon {
  const [lat, lon] = parseNumbers(text.trim(), 2, 'a position (latitude,longitude in decimal degrees)', '48.8584,2.2945') as [number, number];
  checkLatLon(lat, lon, text);
  return { lat, lon };
}

const units: Record<string, number> = { m: 0.001, km: 1, mi: 1.609344 };

/** A distance with a unit: `500m`, `5km`, `5 km`, `3mi`, or a bare number of kilometres. Returns km. */
export function parseRadius(text: string): number {
  const match = /^\s*((?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*(m|km|mi)?\s*$/i.exec(text);
  if (!match) throw metaError(MetaErrorCode.META_BAD_QUERY, `expected a distance like '500m', '5km' or '3mi', got '${text}'`);
  const value = Number(match[1]);
  const unit = (match[2] ?? 'km').toLowerCase();
  if (!Number.isFinite(value)) throw metaError(MetaErrorCode.META_BAD_QUERY, `expected a distance like '500m', '5km' or '3mi', got '${text}'`);
  return value * units[unit]!;
}

/** `S,W,N,E` in decimal degrees. West above east means the box crosses the antimeridian. */
export function parseBoundingBox(text: string): BoundingBox {
  const [south, west, north, east] = parseNumbers(text.trim(), 4, 'a box (south,west,north,east in decimal degrees)', '48.80,2.25,48.90,2.42') as [
    number,
    number,
    number,
    number,
  ];
  checkLatLon(south, west, text);
  checkLatLon(north, east, text);
  if (south > north) throw metaError(MetaErrorCode.META_BAD_QUERY, `the box's south edge ${south} is north of its north edge ${north} (order: S,W,N,E)`);
  return { south, west, north, east };
}

export function insideBox(position: LatLon, box: BoundingBox): boolean {
  if (position.lat < box.south || position.lat > box.north) return false;
  return box.west <= box.east ? position.lon >= box.west && position.lon <= box.east : position.lon >= box.west || position.lon <= box.east;
}

/**
 * Latitude/longitude rectangles (one, or two when the circle crosses the antimeridian) that hold
 * every point within `radiusKm` of `center`: the prefilter for a spatial index. Near a pole the
 * rectangle spans every longitude.
 */
export function boxesAround(center: LatLon, radiusKm: number): BoundingBox[] {
  const angular = radiusKm / EARTH_RADIUS_KM; // radians
  const dLat = (angular * 180) / Math.PI;
  const south = Math.max(-90, center.lat - dLat);
  const north = Math.min(90, center.lat + dLat);
  if (south <= -90 || north >= 90 || angular >= Math.PI / 2) return [{ south, west: -180, north, east: 180 }];
  // The widest longitude extent of a spherical cap (Chávez, "Bounding coordinates"): asin(sin r / cos lat).
  const sinRatio = Math.sin(angular) / Math.cos(toRadians(center.lat));
  if (sinRatio >= 1) return [{ south, west: -180, north, east: 180 }];
  const dLon = (Math.asin(sinRatio) * 180) / Math.PI;
  const west = center.lon - dLon;
  const east = center.lon + dLon;
  if (west < -180) return [{ south, west: west + 360, north, east: 180 }, { south, west: -180, north, east }];
  if (east > 180) return [{ south, west, north, east: 180 }, { south, west: -180, north, east: east - 360 }];
  return [{ south, west, north, east }];
}

/** A bounding box as one or two rectangles that do not cross the antimeridian. */
export function splitBox(box: BoundingBox): BoundingBox[] {
  if (box.west <= box.east) return [box];
  return [
    { south: box.south, west: box.west, north: box.north, east: 180 },
    { south: box.south, west: -180, north: box.north, east: box.east },
  ];
}

/** A tag set's position (`GPSLatitude`/`GPSLongitude` as signed decimal degrees), if it has a valid one. */
export function positionOf(tags: Record<string, unknown>): LatLon | undefined {
  const lat = toFiniteNumber(tags.GPSLatitude);
  const lon = toFiniteNumber(tags.GPSLongitude);
  if (lat === undefined || lon === undefined) return undefined;
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return undefined;
  return { lat, lon };
}

function toFiniteNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
