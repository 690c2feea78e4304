import { Strategy, type StrategyHandler } from 'workbox-strategies';

/**
 * A strategy that only fetches: no cache, no body buffering; the response is
 * handed back as soon as its headers arrive, with its body still streaming.
 * `handler.fetch` runs the plugins' requestWillFetch / fetchDidSucceed /
 * fetchDidFail around the network call.
 */
export class PassThrough extends Strategy {
  protected _handle(request: Request, handler: StrategyHandler): Promise<Response> {
    return handler.fetch(request);
  }
}
