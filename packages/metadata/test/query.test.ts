import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isVfxError } from '@vfxkit/core';
import { matchesAll, matchesWhere, parseDatePeriod, parseNumber, parseWhere } from '@vfxkit/metadata';

const photo = {
  Make: 'Canon',
  Model: 'Canon EOS 5D Mark III',
  ISO: 1600,
  ExposureTime: 0.004,
  FNumber: 2.8,
  DateTimeOriginal: '2024:01:31 23:59:59',
  CreateDate: '2024:01:31 23:59:59.25',
  Keywords: ['plate', 'approved'],
  'Caption-Abstract': 'Communications tower',
  'exr:owner': 'Studio',
  ShutterSpeedValue: '0.00138106793200498',
};

const matches = (clause: string, tags: Record<string, unknown> = photo): boolean => matchesWhere(tags, parseWhere(clause));

describe('--where clauses', () => {
  it('compares text without regard to case, for = and !=', () => {
    assert.ok(matches('Make=Canon'));
    assert.ok(matches('make=canon'), 'tag names and values ignore case');
    assert.ok(!matches('Make=Nikon'));
    assert.ok(matches('Make!=Nikon'));
    assert.ok(!matches('Make!=CANON'));
    assert.ok(matches("Model='Canon EOS 5D Mark III'"), 'quotes are taken off');
    assert.ok(matches('exr:owner=studio'));
  });

  it('compares numbers as numbers, fractions included', () => {
    assert.ok(matches('ISO>=800'));
    assert.ok(matches('ISO>800'));
    assert.ok(!matches('ISO<800'));
    assert.ok(matches('ISO<=1600'));
    assert.ok(matches('ISO=1600'));
    assert.ok(matches('ExposureTime<=1/250'), '0.004 is 1/250');
    assert.ok(matches('ExposureTime=1/250'));
    assert.ok(!matches('ExposureTime<1/250'));
    assert.ok(matches('FNumber<4'));
    assert.ok(matches('ShutterSpeedValue<0.002'), 'numeric strings compare as numbers');
    assert.ok(matches('ISO>=8e2'));
  });

  it('compares dates as periods: a partial date stands for its whole year, month or day', () => {
    assert.ok(matches('DateTimeOriginal>=2024-01-01'));
    assert.ok(matches('DateTimeOriginal>=2024'));
    assert.ok(matches('DateTimeOriginal=2024-01'), 'any time in January');
    assert.ok(matches('DateTimeOriginal=2024-01-31'));
    assert.ok(!matches('DateTimeOriginal=2024-02'));
    assert.ok(matches('DateTimeOriginal<=2024-01-31'), '<= includes the whole day');
    assert.ok(!matches('DateTimeOriginal<2024-01-31'));
    assert.ok(!matches('DateTimeOriginal>2024-01-31'), '> starts the next day');
    assert.ok(matches('DateTimeOriginal<2024-02-01'));
    assert.ok(matches('DateTimeOriginal>2024-01-31T23:59:58'));
    assert.ok(matches('DateTimeOriginal=2024:01:31 23:59:59'), "ExifTool's own form");
    assert.ok(matches('DateTimeOriginal!=2023'));
    assert.ok(matches('CreateDate>2024-01-31T23:59:59.1'), 'sub-seconds narrow the period');
    assert.ok(matches('CreateDate=2024-01-31T23:59:59.2'), '.25 is within the tenth of a second .2 stands for');
    assert.ok(!matches('DateTimeOriginal>=2024-01-01', { DateTimeOriginal: '0000:00:00 00:00:00' }), 'an empty date is not a date');
  });

  it('matches substrings and globs with ~ and !~', () => {
    assert.ok(matches('Model~5D'));
    assert.ok(matches('Model~*5d*'));
    assert.ok(matches('Model~canon eos ?d*'));
    assert.ok(!matches('Model~5D'.replace('5D', '1D')));
    assert.ok(matches('Model!~Nikon'));
    assert.ok(matches('Caption-Abstract~tower'));
    assert.ok(matches('Model~Canon EOS [0-9]D*'));
  });

  it('matches a list when any element does (!= when none does)', () => {
    assert.ok(matches('Keywords=approved'));
    assert.ok(matches('Keywords~appr'));
    assert.ok(!matches('Keywords!=approved'));
    assert.ok(matches('Keywords!=rejected'));
  });

  it('treats a missing tag as no match, except for != and !~, and tests presence with a bare name', () => {
    assert.ok(!matches('LensModel=EF'));
    assert.ok(!matches('LensModel<5'));
    assert.ok(matches('LensModel!=EF'));
    assert.ok(matches('LensModel!~EF'));
    assert.ok(matches('ISO'));
    assert.ok(!matches('GPSLatitude'));
    assert.ok(matches('!GPSLatitude'));
    assert.ok(!matches('!ISO'));
  });

  it('ands clauses together', () => {
    assert.ok(matchesAll(photo, ['Make=Canon', 'ISO>=800', 'DateTimeOriginal>=2024-01-01'].map(parseWhere)));
    assert.ok(!matchesAll(photo, ['Make=Canon', 'ISO>=3200'].map(parseWhere)));
    assert.ok(matchesAll(photo, []));
  });

  it('refuses clauses that do not parse, with the expected form', () => {
    for (const bad of ['=Canon', 'ISO>>800', '', '   ', 'Make Canon']) {
      try {
        parseWhere(bad);
        assert.fail(`'${bad}' parsed`);
      } catch (error) {
        assert.ok(isVfxError(error) && error.code === 'META_BAD_QUERY', String(error));
        assert.match((error as Error).message, /TAG OP VALUE/);
      }
    }
  });

  it('reads numbers and dates strictly', () => {
    assert.equal(parseNumber('1/200'), 0.005);
    assert.equal(parseNumber('-3'), -3);
    assert.equal(parseNumber('2 0 0 0'), undefined);
    assert.equal(parseNumber('12abc'), undefined);
    assert.equal(parseDatePeriod('2024-13-01'), undefined);
    assert.equal(parseDatePeriod('hello'), undefined);
    const day = parseDatePeriod('2024-02-29')!;
    assert.equal(day.end - day.start, 86_400_000);
    const year = parseDatePeriod('2024')!;
    assert.equal(new Date(year.end).toISOString(), '2025-01-01T00:00:00.000Z');
    const december = parseDatePeriod('2023:12')!;
    assert.equal(new Date(december.end).toISOString(), '2024-01-01T00:00:00.000Z');
    assert.deepEqual(parseDatePeriod('2024:05:06 07:08:09+02:00'), parseDatePeriod('2024-05-06T07:08:09'), 'time zones are ignored');
  });
});
