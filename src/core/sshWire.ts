import { CountersignError } from './errors';

/**
 * Reads the SSH wire encoding (RFC 4251 §5): uint32, string, mpint. Throws an input error naming `what` on
 * truncation ("<what> is truncated"). Signatures (sshsig.ts) and public keys (sshKeyIdentity.ts) read with it.
 */
export class WireReader {
  private pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  bytes(n: number): Buffer {
    if (n < 0 || this.pos + n > this.buf.length) throw new CountersignError('input', `${this.what} is truncated`);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  u8(): number {
    return this.bytes(1)[0];
  }

  u32(): number {
    return this.bytes(4).readUInt32BE(0);
  }

  string(): Buffer {
    return this.bytes(this.u32());
  }

  text(): string {
    return this.string().toString('utf8');
  }

  /** An mpint as an unsigned big-endian magnitude without leading zeros; negative values are refused. */
  mpint(): Buffer {
    const b = this.string();
    if (b.length > 0 && (b[0] & 0x80) !== 0) throw new CountersignError('input', `${this.what} has a negative integer`);
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    return b.subarray(i);
  }

  end(): void {
    if (this.remaining !== 0)
      throw new CountersignError('input', `${this.what} has ${this.remaining} bytes of trailing data`);
  }
}
