import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { framesToTimecode, isDropFrameRate, packedTimecodeText, timecodeOfFrame, timecodeToFrames } from '@vfxkit/slate';

describe('timecode', () => {
  it('counts non-drop frames at integer rates', () => {
    assert.equal(framesToTimecode(0, 24), '00:00:00:00');
    assert.equal(framesToTimecode(23, 24), '00:00:00:23');
    assert.equal(framesToTimecode(24, 24), '00:00:01:00');
    assert.equal(framesToTimecode(86400, 24), '01:00:00:00');
    assert.equal(framesToTimecode(1001, 24), '00:00:41:17');
    assert.equal(framesToTimecode(90000, 25), '01:00:00:00');
    // 23.976 counts at 24 without dropping.
    assert.equal(framesToTimecode(24, 24000 / 1001), '00:00:01:00');
  });

  it('drops frame numbers at 29.97 and 59.94 (SMPTE ST 12-1)', () => {
    const ntsc = 30000 / 1001;
    assert.ok(isDropFrameRate(ntsc) && isDropFrameRate(29.97) && isDropFrameRate(59.94) && !isDropFrameRate(30));
    assert.equal(framesToTimecode(1799, ntsc), '00:00:59;29');
    assert.equal(framesToTimecode(1800, ntsc), '00:01:00;02'); // ;00 and ;01 are skipped
    assert.equal(framesToTimecode(17982, ntsc), '00:10:00;00'); // not at each tenth minute
    assert.equal(framesToTimecode(107892, ntsc), '01:00:00;00');
    assert.equal(framesToTimecode(3600, 60000 / 1001), '00:01:00;04');
    assert.equal(framesToTimecode(1800, ntsc, { dropFrame: false }), '00:01:00:00');
  });

  it('parses timecode back to the same count', () => {
    for (const [fps, count] of [[24, 0], [24, 123456], [25, 90001], [30000 / 1001, 1800], [30000 / 1001, 17982], [30000 / 1001, 54321], [60000 / 1001, 3600]] as const) {
      assert.equal(timecodeToFrames(framesToTimecode(count, fps), fps), count, `${fps} ${count}`);
    }
    assert.throws(() => timecodeToFrames('01:61:00:00', 24), { code: 'SLATE_BAD_ARGUMENT' });
    assert.throws(() => timecodeToFrames('nope', 24), /not a timecode/);
    assert.throws(() => framesToTimecode(1, 0), { code: 'SLATE_BAD_ARGUMENT' });
  });

  it('decodes the BCD timecode of EXR/SMPTE attributes and runs a clock', () => {
    // 01:02:03:04 packed as BCD: frames 0x04, seconds 0x03, minutes 0x02, hours 0x01.
    assert.equal(packedTimecodeText(0x01020304), '01:02:03:04');
    assert.equal(packedTimecodeText(0x01020304 | 0x40), '01:02:03;04');
    const clock = { fps: 24, startCount: timecodeToFrames('01:00:00:00', 24), firstFrame: 1001 };
    assert.equal(timecodeOfFrame(clock, 1001), '01:00:00:00');
    assert.equal(timecodeOfFrame(clock, 1025), '01:00:01:00');
  });
});
