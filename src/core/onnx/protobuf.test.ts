import { describe, expect, it } from 'vitest';
import { ProtobufError, readFields, readRepeatedVarints, readString, readVarint, type WireField } from './protobuf';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('readVarint', () => {
  it('reads multi-byte values low group first', () => {
    expect(readVarint(bytes(0xac, 0x02), 0, 2)).toEqual([300, 2]);
  });

  it('reads values above 2^32 without wrapping', () => {
    // 2^35 + 1 = groups 1, 0, 0, 0, 0, 1 (7 bits each, low first).
    expect(readVarint(bytes(0x81, 0x80, 0x80, 0x80, 0x80, 0x01), 0, 6)[0]).toBe(2 ** 35 + 1);
  });

  it("reads negative int64 values (10-byte two's complement) as negative", () => {
    const minusOne = bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    const minusTwo = bytes(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    expect(readVarint(minusOne, 0, 10)).toEqual([-1, 10]);
    expect(readVarint(minusTwo, 0, 10)[0]).toBe(-2);
  });

  it('throws a ProtobufError on a truncated varint', () => {
    expect(() => readVarint(bytes(0x80, 0x80), 0, 2)).toThrow(ProtobufError);
  });
});

describe('readString', () => {
  it('keeps a leading U+FEFF, so a name reads back as it was written', () => {
    // field 1, length 4: EF BB BF 'a'.
    const message = bytes(0x0a, 0x04, 0xef, 0xbb, 0xbf, 0x61);
    const strings: string[] = [];
    readFields(message, 0, message.length, (field) => strings.push(readString(message, field)));
    expect(strings).toEqual(['\uFEFFa']);
  });
});

describe('readFields', () => {
  it('reports varint, fixed32 and length-delimited fields with their payload ranges', () => {
    // field 1 varint 150; field 2 bytes "hi"; field 3 fixed32.
    const message = bytes(0x08, 0x96, 0x01, 0x12, 0x02, 0x68, 0x69, 0x1d, 0, 0, 0x80, 0x3f);
    const seen: Array<Pick<WireField, 'number' | 'wireType' | 'varint' | 'offset' | 'length'>> = [];
    readFields(message, 0, message.length, (f) => seen.push({ ...f }));
    expect(seen).toEqual([
      { number: 1, wireType: 0, varint: 150, offset: 1, length: 0 },
      { number: 2, wireType: 2, varint: 0, offset: 5, length: 2 },
      { number: 3, wireType: 5, varint: 0, offset: 8, length: 4 },
    ]);
  });

  it('throws a ProtobufError when a field runs past the end of its message', () => {
    const message = bytes(0x12, 0x05, 0x68);
    expect(() => readFields(message, 0, message.length, () => undefined)).toThrow(ProtobufError);
  });

  it('reads repeated integers whether packed or not', () => {
    const packed = bytes(0x0a, 0x03, 0x02, 0xac, 0x02);
    const unpacked = bytes(0x08, 0x02, 0x08, 0xac, 0x02);
    for (const message of [packed, unpacked]) {
      const values: number[] = [];
      readFields(message, 0, message.length, (f) => readRepeatedVarints(message, f, values));
      expect(values).toEqual([2, 300]);
    }
  });
});
