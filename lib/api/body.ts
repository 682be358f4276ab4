// Request bodies are bounded before they are buffered, and must be UTF-8.
import { ApiProblem } from './problem';

export async function readLimited(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > limit) throw new ApiProblem(413, 'BodyTooLarge', `The body may be at most ${limit} bytes.`);
  const buf = Buffer.from(await request.arrayBuffer());
  if (buf.length > limit) throw new ApiProblem(413, 'BodyTooLarge', `The body may be at most ${limit} bytes.`);
  const text = buf.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(buf)) throw new ApiProblem(400, 'InvalidInput', 'The body must be UTF-8.');
  return text;
}
