import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isVfxError } from '@vfxkit/core';
import { EARTH_RADIUS_KM, boxesAround, distanceKm, insideBox, parseBoundingBox, parseLatLon, parseRadius, positionOf, splitBox } from '@vfxkit/metadata';

function code(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return isVfxError(error) ? error.code : 'not a VfxError';
  }
  return undefined;
}

/** The point `km` away from `from` along `bearing` degrees (spherical direct problem). */
function destination(from: { lat: number; lon: number }, bearing: number, km: number): { lat: number; lon: number } {
  const d = km / EARTH_RADIUS_KM;
  const t = (bearing * Math.PI) / 180;
  const lat1 = (from.lat * Math.PI) / 180;
  const lon1 = (from.lon * Math.PI) / 180;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(t));
  const lon2 = lon1 + Math.atan2(Math.sin(t) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  const lon = (((lon2 * 180) / Math.PI + 540) % 360) - 180;
  return { lat: (lat2 * 180) / Math.PI, lon };
}

describe('great-circle distance', () => {
  it('is one degree of arc for one degree along the equator, half the circumference to the antipode', () => {
    assert.ok(Math.abs(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 1 }) - (EARTH_RADIUS_KM * Math.PI) / 180) < 1e-9);
    assert.ok(Math.abs(distanceKm({ lat: 10, lon: 20 }, { lat: -10, lon: -160 }) - EARTH_RADIUS_KM * Math.PI) < 1e-6);
    assert.equal(distanceKm({ lat: 51.5, lon: -0.12 }, { lat: 51.5, lon: -0.12 }), 0);
  });

  it('gives Paris to London as 343.5 km (within the 0.5 % a sphere allows against the ellipsoid: 343.9 km)', () => {
    const km = distanceKm({ lat: 48.8566, lon: 2.3522 }, { lat: 51.5074, lon: -0.1278 });
    assert.ok(Math.abs(km - 343.9) / 343.9 < 0.005, String(km));
  });

  it('crosses the antimeridian the short way', () => {
    assert.ok(distanceKm({ lat: 0, lon: 179.9 }, { lat: 0, lon: -179.9 }) < 23);
  });
});

describe('parsing positions, radii and boxes', () => {
  it('reads LAT,LON and refuses out-of-range values', () => {
    assert.deepEqual(parseLatLon('48.8584,2.2945'), { lat: 48.8584, lon: 2.2945 });
    assert.deepEqual(parseLatLon(' -33.8568, 151.2153 '), { lat: -33.8568, lon: 151.2153 });
    assert.equal(code(() => parseLatLon('91,0')), 'META_BAD_QUERY');
    assert.equal(code(() => parseLatLon('0,181')), 'META_BAD_QUERY');
    assert.equal(code(() => parseLatLon('paris')), 'META_BAD_QUERY');
    assert.equal(code(() => parseLatLon('1,2,3')), 'META_BAD_QUERY');
  });

  it('reads radii in m, km and mi (km when bare)', () => {
    assert.equal(parseRadius('500m'), 0.5);
    assert.equal(parseRadius('5km'), 5);
    assert.equal(parseRadius('5 km'), 5);
    assert.ok(Math.abs(parseRadius('3mi') - 4.828032) < 1e-12);
    assert.equal(parseRadius('2.5'), 2.5);
    assert.equal(parseRadius('1.5KM'), 1.5);
    assert.equal(code(() => parseRadius('5 parsecs')), 'META_BAD_QUERY');
    assert.equal(code(() => parseRadius('-1km')), 'META_BAD_QUERY');
  });

  it('reads S,W,N,E boxes, including ones across the antimeridian', () => {
    const box = parseBoundingBox('48.80,2.25,48.90,2.42');
    assert.deepEqual(box, { south: 48.8, west: 2.25, north: 48.9, east: 2.42 });
    assert.ok(insideBox({ lat: 48.85, lon: 2.3 }, box));
    assert.ok(!insideBox({ lat: 48.85, lon: 2.5 }, box));
    const pacific = parseBoundingBox('-20,170,-10,-170');
    assert.ok(insideBox({ lat: -15, lon: 179 }, pacific));
    assert.ok(insideBox({ lat: -15, lon: -175 }, pacific));
    assert.ok(!insideBox({ lat: -15, lon: 0 }, pacific));
    assert.equal(splitBox(pacific).length, 2);
    assert.equal(code(() => parseBoundingBox('50,0,40,1')), 'META_BAD_QUERY');
  });

  it('takes a position only from signed decimal GPSLatitude/GPSLongitude', () => {
    assert.deepEqual(positionOf({ GPSLatitude: 54.98, GPSLongitude: -1.91 }), { lat: 54.98, lon: -1.91 });
    assert.deepEqual(positionOf({ GPSLatitude: '54.98', GPSLongitude: '-1.91' }), { lat: 54.98, lon: -1.91 });
    assert.equal(positionOf({ GPSLatitude: 54.98 }), undefined);
    assert.equal(positionOf({ GPSLatitude: 'north', GPSLongitude: 1 }), undefined);
  });
});

describe('boxes around a circle (the spatial index prefilter)', () => {
  const cases = [
    { center: { lat: 48.8584, lon: 2.2945 }, km: 5 },
    { center: { lat: -33.86, lon: 151.2 }, km: 250 },
    { center: { lat: 0, lon: 179.99 }, km: 10 },
    { center: { lat: 10, lon: -179.95 }, km: 30 },
    { center: { lat: 70, lon: 20 }, km: 800 },
    { center: { lat: 89.99, lon: 0 }, km: 5 },
    { center: { lat: -89.9, lon: 45 }, km: 50 },
  ];
  for (const { center, km } of cases) {
    it(`holds every point within ${km} km of ${center.lat},${center.lon}`, () => {
      const boxes = boxesAround(center, km);
      for (let bearing = 0; bearing < 360; bearing += 7.5) {
        for (const fraction of [0.999, 0.5]) {
          const point = destination(center, bearing, km * fraction);
          assert.ok(Math.abs(distanceKm(center, point) - km * fraction) < 1e-6);
          assert.ok(boxes.some((box) => insideBox(point, box)), `${JSON.stringify(point)} at bearing ${bearing} is outside ${JSON.stringify(boxes)}`);
        }
      }
    });
  }

  it('splits at the antimeridian and spans every longitude near a pole', () => {
    assert.equal(boxesAround({ lat: 0, lon: 179.99 }, 10).length, 2);
    assert.deepEqual(
      boxesAround({ lat: 89.99, lon: 0 }, 5).map((b) => [b.west, b.east]),
      [[-180, 180]],
    );
    const [box] = boxesAround({ lat: 48.8584, lon: 2.2945 }, 5);
    assert.ok(box!.north - box!.south < 0.1 && box!.east - box!.west < 0.2, 'a small circle gets a small box');
  });
});
