/**
 * Writes test/corpora/benign-api.json: real-shaped API error bodies and the
 * ids around them, none holding a secret; the scrubber must leave every one
 * unchanged (a change is a false positive). Shapes follow the providers'
 * documented errors (OpenAI, Anthropic, OpenRouter), the error pages proxies
 * serve (nginx, Cloudflare, AWS ALB, Vercel), and the ids they carry.
 *
 * Ids kept (the README's Privacy section): UUIDs and ULIDs anywhere; request,
 * trace and span ids anywhere an id label (`request_id`, `x-request-id:`,
 * `Ray ID:`, `traceparent:`) or a provider prefix (`req_`, `chatcmpl-`,
 * `msg_`, `gen-`) says what they are; commit hashes under a label (`commit`,
 * `sha`, `revision`, `build`, `version`) or after `/commit/` in a URL; model ids;
 * timestamps. Not kept (so not here): a bare 40-hex string in a sentence (a
 * GitHub legacy token, a Sourcegraph or Deepgram key has that shape), session
 * ids (a session id is a credential).
 *
 * Values come from a seeded PRNG. `node scripts/generateBenignCorpus.mjs`
 * regenerates the file (deterministic); the JSON is committed.
 */
import { writeFileSync } from 'node:fs';

let seed = 0xbe9191;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (chars, n) => Array.from({ length: n }, () => chars[Math.floor(rand() * chars.length)]).join('');
const one = (list) => list[Math.floor(rand() * list.length)];
const int = (a, b) => a + Math.floor(rand() * (b - a + 1));
const HEX = '0123456789abcdef';
const B62 = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const hex = (n) => pick(HEX, n);
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${one(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
const ulid = () => `01${pick(CROCKFORD, 24)}`;
const epoch = () => 1719000000 + int(0, 30_000_000);
const iso = () => new Date(epoch() * 1000 + int(0, 999)).toISOString();
const rfc1123 = () => new Date(epoch() * 1000).toUTCString();
const esc = (text) => JSON.stringify(text).slice(1, -1);

const MODELS = [
  'anthropic/claude-3.5-sonnet', 'anthropic/claude-3.5-sonnet:beta', 'anthropic/claude-3-opus-20240229', 'anthropic/claude-3.7-sonnet:thinking', 'anthropic/claude-sonnet-4',
  'openai/gpt-4o-2024-08-06', 'openai/gpt-4o-mini', 'openai/o1-preview-2024-09-12', 'openai/o3-mini-high', 'openai/gpt-4.1-nano',
  'google/gemini-pro-1.5', 'google/gemini-2.0-flash-001', 'google/gemini-2.5-pro-preview-03-25', 'google/gemma-2-27b-it',
  'meta-llama/llama-3.1-405b-instruct', 'meta-llama/llama-3.1-8b-instruct:free', 'meta-llama/llama-3.3-70b-instruct', 'meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo',
  'mistralai/mistral-large-2407', 'mistralai/mixtral-8x22b-instruct', 'mistralai/codestral-2501', 'mistralai/Mistral-7B-Instruct-v0.3',
  'qwen/qwen-2.5-72b-instruct', 'qwen/qwq-32b-preview', 'Qwen/Qwen2.5-Coder-32B-Instruct', 'deepseek/deepseek-chat-v3-0324', 'deepseek/deepseek-r1-distill-llama-70b',
  'x-ai/grok-2-1212', 'x-ai/grok-beta', 'cohere/command-r-plus-08-2024', 'cohere/command-r7b-12-2024', 'perplexity/llama-3.1-sonar-large-128k-online',
  'nousresearch/hermes-3-llama-3.1-405b', 'microsoft/wizardlm-2-8x22b', 'microsoft/phi-4', 'amazon/nova-pro-v1', 'nvidia/llama-3.1-nemotron-70b-instruct',
  'gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18', 'gpt-4-turbo-2024-04-09', 'gpt-3.5-turbo-0125', 'o1-mini-2024-09-12', 'chatgpt-4o-latest', 'text-embedding-3-small', 'tts-1-hd', 'dall-e-3', 'whisper-1', 'omni-moderation-2024-09-26',
  'claude-3-5-sonnet-20241022', 'claude-3-5-haiku-20241022', 'claude-3-7-sonnet-20250219', 'claude-opus-4-20250514', 'claude-3-haiku-20240307',
  'anthropic.claude-3-5-sonnet-20240620-v1:0', 'us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'meta.llama3-1-70b-instruct-v1:0', 'amazon.titan-embed-text-v2:0', 'cohere.command-r-plus-v1:0', 'mistral.mistral-large-2407-v1:0',
  'gemini-1.5-pro-002', 'gemini-1.5-flash-8b-001', 'gemini-2.0-flash-thinking-exp-01-21', 'text-multilingual-embedding-002',
  'llama-3.3-70b-versatile', 'mixtral-8x7b-32768', 'llama3-groq-70b-8192-tool-use-preview', 'deepseek-r1-distill-qwen-32b',
  'accounts/fireworks/models/llama-v3p1-70b-instruct', 'accounts/fireworks/models/qwen2p5-coder-32b-instruct', '@cf/meta/llama-3.1-8b-instruct-fp8', '@hf/thebloke/deepseek-coder-6.7b-instruct-awq',
  'sentence-transformers/all-MiniLM-L6-v2', 'BAAI/bge-large-en-v1.5', 'intfloat/multilingual-e5-large-instruct', 'stabilityai/stable-diffusion-3.5-large', 'black-forest-labs/FLUX.1-dev',
];
const PROVIDERS = ['OpenAI', 'Anthropic', 'Google', 'Google AI Studio', 'Together', 'Fireworks', 'DeepInfra', 'Lepton', 'Groq', 'Mistral', 'Azure', 'Amazon Bedrock', 'Novita', 'Hyperbolic', 'Cerebras', 'SambaNova', 'Nebius', 'Featherless'];

const samples = [];
const add = (category, text) => samples.push({ category, text });

// ---- OpenAI-style errors (the documented `{"error":{message,type,param,code}}` body) ----
const openai = (message, type, param, code) => JSON.stringify({ error: { message, type, param, code } });
for (let i = 0; i < 40; i++) {
  const model = one(MODELS.filter((m) => !m.includes('/')));
  const org = `org-${pick(B62, 24)}`;
  const reqId = `req_${hex(32)}`;
  const variants = [
    () => openai(`Rate limit reached for ${model} in organization ${org} on tokens per min (TPM): Limit 30000, Used ${int(20000, 29999)}, Requested ${int(100, 5000)}. Please try again in ${int(1, 9)}.${int(100, 999)}s. Visit https://platform.openai.com/account/rate-limits to learn more.`, 'tokens', null, 'rate_limit_exceeded'),
    () => openai(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', null, 'model_not_found'),
    () => openai(`This model's maximum context length is 128000 tokens. However, your messages resulted in ${int(128001, 200000)} tokens. Please reduce the length of the messages.`, 'invalid_request_error', 'messages', 'context_length_exceeded'),
    () => openai(`The server had an error while processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if the error persists. (Please include the request ID ${reqId} in your message.)`, 'server_error', null, null),
    () => openai(`Invalid 'messages[${int(0, 9)}].content': string too long. Expected a string with maximum length 1048576, but got a string with length ${int(1048577, 2000000)} instead.`, 'invalid_request_error', `messages[${int(0, 9)}].content`, 'string_above_max_length'),
    () => openai('You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.', 'insufficient_quota', null, 'insufficient_quota'),
    () => openai(`Invalid value for 'tool_choice': 'required' is only allowed when 'tools' are specified.`, 'invalid_request_error', 'tool_choice', null),
    () => openai(`An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_${pick(B62, 24)}`, 'invalid_request_error', `messages.[${int(1, 9)}].role`, null),
    () => openai(`No such File object: file-${pick(B62, 22)}`, 'invalid_request_error', 'id', null),
    () => openai(`Run run_${pick(B62, 24)} is already in status completed on thread thread_${pick(B62, 24)}.`, 'invalid_request_error', null, null),
    () => openai(`Could not finish the message because max_tokens or model output limit was reached. Please try again with higher max_tokens.`, 'invalid_request_error', null, null),
    () => openai(`Your organization must be verified to stream this model. Please go to: https://platform.openai.com/settings/organization/general and click on Verify Organization.`, 'invalid_request_error', 'stream', 'unsupported_value'),
  ];
  add('openai-error', variants[i % variants.length]());
}

// ---- Anthropic-style errors ({"type":"error","error":{type,message},"request_id"}) ----
const anthropic = (type, message) => JSON.stringify({ type: 'error', error: { type, message }, request_id: `req_011C${pick(B62, 20)}` });
for (let i = 0; i < 36; i++) {
  const model = one(MODELS.filter((m) => m.startsWith('claude')));
  const variants = [
    () => anthropic('overloaded_error', 'Overloaded'),
    () => anthropic('rate_limit_error', `This request would exceed the rate limit for your organization (${uuid()}) of ${one(['50,000', '40,000', '400,000'])} input tokens per minute. For details, refer to: https://docs.anthropic.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.`),
    () => anthropic('invalid_request_error', `messages.${int(0, 9)}.content.${int(0, 3)}.image.source.base64.data: Image does not match the provided media type image/png`),
    () => anthropic('invalid_request_error', `prompt is too long: ${int(200001, 300000)} tokens > 200000 maximum`),
    () => anthropic('not_found_error', `model: ${model.slice(0, -1)}`),
    () => anthropic('authentication_error', 'invalid x-api-key'),
    () => anthropic('permission_error', 'Your API key does not have permission to use the specified resource.'),
    () => anthropic('api_error', 'Internal server error'),
    () => anthropic('invalid_request_error', `messages.${int(1, 9)}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: toolu_01${pick(B62, 22)}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`),
    () => anthropic('invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.'),
    () => `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`,
    () => JSON.stringify({ type: 'message', id: `msg_01${pick(B62, 22)}`, model, stop_reason: 'max_tokens', usage: { input_tokens: int(10, 9000), output_tokens: 4096, cache_read_input_tokens: int(0, 5000) } }),
  ];
  add('anthropic-error', variants[i % variants.length]());
}

// ---- OpenRouter-style errors (an upstream's error relayed as a string in metadata.raw) ----
for (let i = 0; i < 36; i++) {
  const model = one(MODELS.filter((m) => m.includes('/')));
  const provider = one(PROVIDERS);
  const gen = `gen-${epoch()}-${pick(B62, 20)}`;
  const variants = [
    () => JSON.stringify({ error: { message: 'Provider returned error', code: 429, metadata: { raw: JSON.stringify({ error: { message: `Rate limit exceeded for ${model.split('/')[1]}`, type: 'rate_limit_error' } }), provider_name: provider } }, user_id: `user_2${pick(B62, 26)}` }),
    () => JSON.stringify({ error: { message: `No endpoints found for ${model}.`, code: 404 }, user_id: `user_2${pick(B62, 26)}` }),
    () => JSON.stringify({ error: { code: 402, message: `This request requires more credits, or fewer max_tokens. You requested up to ${int(4000, 64000)} tokens, but can only afford ${int(100, 3999)}. To increase, visit https://openrouter.ai/settings/credits and upgrade to a paid account` } }),
    () => JSON.stringify({ error: { message: `${model} is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations`, code: 429, metadata: { raw: `${model.split('/')[1]} is temporarily rate-limited upstream`, provider_name: provider } } }),
    () => JSON.stringify({ id: gen, provider, model, object: 'chat.completion', created: epoch(), choices: [{ finish_reason: 'error', error: { code: 502, message: 'Upstream connection reset' } }] }),
    () => JSON.stringify({ error: { message: 'Provider returned error', code: 400, metadata: { raw: JSON.stringify({ object: 'error', message: `The model ${model.split('/')[1]} does not support tools.`, type: 'BadRequestError', param: null, code: 400 }), provider_name: provider } } }),
    () => JSON.stringify({ error: { message: 'Input required: specify "prompt" or "messages"', code: 400 } }),
    () => `: OPENROUTER PROCESSING\n\ndata: ${JSON.stringify({ id: gen, object: 'chat.completion.chunk', created: epoch(), model, error: { message: 'Upstream stream interrupted', code: 502 } })}\n\n`,
    () => JSON.stringify({ error: { message: `Model ${model} is not available for this provider (${provider}). Fallback models: ${one(MODELS.filter((m) => m.includes('/')))}, ${one(MODELS.filter((m) => m.includes('/')))}`, code: 503 } }),
  ];
  add('openrouter-error', variants[i % variants.length]());
}

// ---- Other gateways' and clouds' error bodies ----
for (let i = 0; i < 24; i++) {
  const variants = [
    () => JSON.stringify({ error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } }),
    () => JSON.stringify([{ error: { code: 400, message: `* GenerateContentRequest.contents[${int(0, 5)}].parts: contents.parts must not be empty.\n`, status: 'INVALID_ARGUMENT' } }]),
    () => JSON.stringify({ message: `Model ${one(MODELS.filter((m) => /^(anthropic|meta|amazon|cohere|mistral)\./.test(m)))} is not ready for inference. Try again later.`, __type: 'com.amazon.bedrock#ModelNotReadyException' }),
    () => JSON.stringify({ message: 'Too many requests, please wait before trying again.', __type: 'ThrottlingException' }),
    () => JSON.stringify({ error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } }),
    () => JSON.stringify({ error: { code: '429', message: `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-08-01-preview have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${int(1, 60)} seconds.` } }),
    () => JSON.stringify({ detail: 'Not Found' }),
    () => JSON.stringify({ object: 'error', message: `Service tier capacity exceeded for this model.`, type: 'service_tier_capacity_exceeded', param: null, code: '3505' }),
    () => JSON.stringify({ error: { message: `Request too large for model \`llama-3.3-70b-versatile\` in organization \`org_01${pick('0123456789abcdefghjkmnpqrstvwxyz', 24)}\` service tier \`on_demand\` on tokens per minute (TPM): Limit 6000, Requested ${int(6001, 20000)}, please reduce your message size and try again.`, type: 'tokens', code: 'rate_limit_exceeded' } }),
    () => JSON.stringify({ type: 'error', message: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination' }),
    () => JSON.stringify({ success: false, errors: [{ code: 7003, message: 'Could not route to /client/v4/accounts/' + hex(32) + '/ai/run, perhaps your object identifier is invalid?' }], messages: [], result: null }),
    () => JSON.stringify({ error: 'Service Unavailable', message: 'The server is temporarily unable to service your request due to maintenance downtime or capacity problems.', statusCode: 503, timestamp: iso() }),
  ];
  add('gateway-error', variants[i % variants.length]());
}

// ---- HTML error pages (nginx, Cloudflare, AWS ALB, Vercel, Heroku) ----
for (let i = 0; i < 30; i++) {
  const ray = `${hex(16)}`;
  const colo = one(['SJC', 'IAD', 'FRA', 'LHR', 'SIN', 'NRT', 'AMS', 'DFW']);
  const code = one([502, 504]);
  const title = code === 502 ? 'Bad Gateway' : 'Gateway Time-out';
  const variants = [
    () => `<html>\r\n<head><title>${code} ${title}</title></head>\r\n<body>\r\n<center><h1>${code} ${title}</h1></center>\r\n<hr><center>nginx/1.${int(18, 27)}.${int(0, 5)}</center>\r\n</body>\r\n</html>\r\n`,
    () => `<html>\r\n<head><title>${code} ${title}</title></head>\r\n<body>\r\n<center><h1>${code} ${title}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n`,
    () => `<!DOCTYPE html><html lang="en-US"><head><title>api.gatewayz.ai | ${one(['502: Bad gateway', '504: Gateway time-out', '520: Web server is returning an unknown error', '522: Connection timed out', '524: A timeout occurred'])}</title><meta charset="UTF-8" /></head><body><div id="cf-wrapper"><h1><span class="cf-error-type">Error</span> <span class="cf-error-code">${one([502, 504, 520, 522, 524])}</span></h1><p>Browser <span>Working</span></p><p>Cloudflare <span>${colo === 'SJC' ? 'San Jose' : 'Ashburn'}</span></p><p>Host <span>Error</span></p><div class="cf-error-footer"><p>Cloudflare Ray ID: <strong class="font-semibold">${ray}</strong> &bull; <span>Your IP: <span class="hidden" id="cf-footer-ip">203.0.113.${int(1, 254)}</span></span> &bull; <span>Performance &amp; security by <a rel="noopener noreferrer" href="https://www.cloudflare.com/5xx-error-landing" target="_blank">Cloudflare</a></span></p></div></div></body></html>`,
    () => `<html>\r\n<head><title>${code} ${title}</title></head>\r\n<body>\r\n<center><h1>${code} ${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
    () => `An error occurred with your deployment\n\nFUNCTION_INVOCATION_TIMEOUT\n\n${one(['iad1', 'sfo1', 'fra1', 'cdg1'])}::${pick('abcdefghijklmnopqrstuvwxyz0123456789', 5)}-${epoch() * 1000 + int(0, 999)}-${hex(12)}`,
    () => `<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Application Error</title></head><body><iframe src="//www.herokucdn.com/error-pages/application-error.html"></iframe></body></html>`,
  ];
  add('html-error', variants[i % variants.length]());
}

// ---- Request, trace and span ids, as headers and bodies carry them ----
for (let i = 0; i < 40; i++) {
  const variants = [
    () => `x-request-id: req_${hex(32)}`,
    () => `request-id: req_011C${pick(B62, 20)}`,
    () => `cf-ray: ${hex(16)}-${one(['SJC', 'IAD', 'FRA', 'AMS'])}`,
    () => `x-amzn-RequestId: ${uuid()}`,
    () => `x-amz-cf-id: ${pick(B62 + '_-', 52)}==`,
    () => `apim-request-id: ${uuid()}`,
    () => `traceparent: 00-${hex(32)}-${hex(16)}-01`,
    () => `x-cloud-trace-context: ${hex(32)}/${int(1e15, 9e15)};o=1`,
    () => `x-vercel-id: ${one(['iad1', 'sfo1', 'fra1'])}::${one(['iad1', 'sfo1', 'fra1'])}::${pick('abcdefghijklmnopqrstuvwxyz0123456789', 5)}-${epoch() * 1000 + int(0, 999)}-${hex(12)}`,
    () => `fly-request-id: ${ulid()}-${one(['iad', 'ord', 'ams', 'sjc'])}`,
    () => `x-trace-id: ${hex(32)}`,
    () => JSON.stringify({ error: { message: 'Internal error', request_id: uuid() } }),
    () => JSON.stringify({ error: 'upstream_timeout', trace_id: hex(32), span_id: hex(16) }),
    () => JSON.stringify({ errors: [{ message: 'Something went wrong', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: ulid() } }] }),
    () => `Request ID: ${uuid()}`,
    () => `(Request ID: ${hex(32)})`,
    () => `x-datadog-trace-id: ${int(1e17, 9e17)}`,
    () => `sentry-trace: ${hex(32)}-${hex(16)}-1`,
    () => `incident ${ulid()}`,
    () => JSON.stringify({ correlationId: uuid(), status: 500, title: 'Internal Server Error' }),
  ];
  add('request-id', variants[i % variants.length]());
}

// ---- Model ids, bare and in error messages ----
for (const model of MODELS) {
  add('model-id', model);
  if (rand() < 0.5) add('model-id', JSON.stringify({ error: { message: `Model ${model} is currently overloaded. Please try again later.`, type: 'server_error', code: 'model_overloaded' }, model }));
}
add('model-id', `ft:gpt-4o-mini-2024-07-18:acme-corp:support-bot:${pick(B62, 8)}`);
add('model-id', `ft:gpt-3.5-turbo-0125:personal::${pick(B62, 8)}`);
add('model-id', `arn:aws:bedrock:us-east-1:${int(1e11, 9e11)}:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0`);
add('model-id', `projects/gatewayz-prod-${int(100000, 999999)}/locations/us-central1/publishers/anthropic/models/claude-3-5-sonnet-v2@20241022`);

// ---- Commit hashes, where they are labelled ----
for (let i = 0; i < 24; i++) {
  const sha = hex(40);
  const variants = [
    () => JSON.stringify({ status: 'degraded', commit: sha, version: `1.${int(0, 40)}.${int(0, 9)}` }),
    () => JSON.stringify({ build: { git_sha: sha, built_at: iso() } }),
    () => `x-build-sha: ${sha}`,
    () => `gateway v2.${int(0, 20)}.${int(0, 9)} (commit ${sha.slice(0, 7)}) failed health check`,
    () => `deployed commit ${sha} to production at ${iso()}`,
    () => `See https://github.com/gatewayz/gateway/commit/${sha} for the fix`,
    () => JSON.stringify({ revision: sha, branch: 'main', dirty: false }),
    () => `version: 3.${int(0, 9)}.${int(0, 9)}+${sha.slice(0, 9)}`,
  ];
  add('commit-hash', variants[i % variants.length]());
}

// ---- UUIDs and ULIDs where they are ids ----
for (let i = 0; i < 30; i++) {
  const id = uuid();
  const variants = [
    () => `{"error":"not_found","url":"https://api.gatewayz.ai/v1/threads/${id}/messages"}`,
    () => `Conversation ${id} not found`,
    () => JSON.stringify({ error: { message: 'workspace is suspended', workspace_id: id } }),
    () => JSON.stringify({ error: 'forbidden', organization: id, project: uuid() }),
    () => `GET https://api.gatewayz.ai/v1/usage?workspace=${id}&from=2025-03-01 failed: 500`,
    () => `job ${ulid()} failed after ${int(2, 5)} retries`,
    () => `/v1/batches/${id}/results`,
    () => JSON.stringify({ error: { code: 'conflict', message: `Document ${id} was modified concurrently` } }),
  ];
  add('uuid', variants[i % variants.length]());
}

// ---- Timestamps ----
for (let i = 0; i < 20; i++) {
  const variants = [
    () => `retry after ${iso()}`,
    () => `date: ${rfc1123()}`,
    () => JSON.stringify({ error: { message: 'quota exceeded', reset_at: epoch(), reset_at_ms: epoch() * 1000 + int(0, 999) } }),
    () => `x-ratelimit-reset-requests: ${int(1, 59)}m${int(0, 59)}.${int(0, 9)}s`,
    () => `${iso().replace('T', ' ').replace('Z', '')} UTC ERROR upstream closed the stream`,
    () => `anthropic-ratelimit-input-tokens-reset: ${iso().replace(/\.\d+/, '')}`,
    () => `last-modified: ${rfc1123()}`,
  ];
  add('timestamp', variants[i % variants.length]());
}

// ---- URLs with ordinary query strings ----
for (let i = 0; i < 40; i++) {
  const variants = [
    () => `https://${one(['gatewayz-eastus', 'acme-openai', 'prod-aoai'])}.openai.azure.com/openai/deployments/${one(['gpt-4o', 'gpt4o-mini-prod', 'text-embedding-3-large'])}/chat/completions?api-version=${one(['2024-08-01-preview', '2024-10-21', '2025-01-01-preview'])}`,
    () => `https://generativelanguage.googleapis.com/v1beta/models/${one(['gemini-1.5-pro-002', 'gemini-2.0-flash'])}:streamGenerateContent?alt=sse`,
    () => `https://api.openai.com/v1/threads/thread_${pick(B62, 24)}/messages?limit=${one([20, 50, 100])}&order=desc&after=msg_${pick(B62, 24)}`,
    () => `https://api.gatewayz.ai/v1/models?page=${int(1, 9)}&per_page=50&sort=-created_at`,
    () => `https://openrouter.ai/api/v1/generation?id=gen-${epoch()}-${pick(B62, 20)}`,
    () => `https://api.gatewayz.ai/v1/chat/completions?model=${encodeURIComponent(one(MODELS))}&stream=true`,
    () => `https://api.gatewayz.ai/v1/logs?since=${encodeURIComponent(iso())}&level=error&limit=200`,
    () => `https://api.gatewayz.ai/v1/usage?group_by=model&include=usage,provider&region=us-east-1`,
    () => `https://docs.gatewayz.ai/errors?code=rate_limit_exceeded&ref=api&utm_source=error`,
    () => `https://api.gatewayz.ai/v1/files?purpose=batch&cursor=${pick(B62, 32)}`,
    () => `https://api.gatewayz.ai/v1/search?q=${encodeURIComponent('why does streaming stop after 60s')}&lang=en-US`,
    () => `https://api.gatewayz.ai/v1/events?filter%5Bstatus%5D=failed&t=${epoch() * 1000}`,
    () => `https://status.gatewayz.ai/incidents/${ulid().toLowerCase()}`,
  ];
  add('url', variants[i % variants.length]());
}

// ---- Stack traces and log lines ----
for (let i = 0; i < 20; i++) {
  const variants = [
    () => `Error: connect ETIMEDOUT 104.18.${int(0, 255)}.${int(0, 255)}:443\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)`,
    () => `httpx.ReadTimeout: The read operation timed out\n  File "/usr/local/lib/python3.12/site-packages/httpx/_transports/default.py", line 72, in map_httpcore_exceptions`,
    () => `openai.APIConnectionError: Connection error.\n  File "/app/gateway/providers/openai_compat.py", line ${int(40, 400)}, in chat`,
    () => `TypeError: fetch failed\n    at node:internal/deps/undici/undici:13502:13\n    at async Object.chat (/var/task/.next/server/app/api/chat/route.js:1:${int(1000, 99999)})`,
    () => `    at async POST (webpack-internal:///(rsc)/./app/api/chat/route.ts:${int(10, 200)}:${int(1, 80)})`,
    () => `${iso()} level=error msg="upstream error" provider=${one(PROVIDERS).toLowerCase().replace(/ /g, '-')} status=${one([429, 500, 502, 503])} latency_ms=${int(50, 60000)} model=${one(MODELS)}`,
    () => `java.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)`,
    () => `panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x${hex(7)}]`,
  ];
  add('stack-trace', variants[i % variants.length]());
}

// ---- Hard cases: random-looking, unlabelled or oddly labelled, and still not secrets ----
{
  add('hard', `https://gateway.ai.cloudflare.com/v1/${hex(32)}/gatewayz-prod/openai/chat/completions`);
  add('hard', `/_next/static/chunks/app/page-${hex(16)}.js`);
  add('hard', `GET https://app.gatewayz.ai/assets/index-${pick(B62, 8)}.js?v=${hex(16)} 404`);
  add('hard', `Sentry release gateway@${hex(40)} not found`);
  add('hard', JSON.stringify({ error: { message: `Incorrect API key provided: sk-proj-${'*'.repeat(int(20, 40))}${pick(B62, 4)}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
  add('hard', `InvalidInstanceID.NotFound: The instance ID 'i-0${hex(16)}' does not exist`);
  add('hard', `The security group 'sg-0${hex(16)}' does not exist in VPC 'vpc-0${hex(16)}'`);
  add('hard', JSON.stringify({ data: [], has_more: true, next: Buffer.from(JSON.stringify({ offset: int(20, 900), ts: epoch() })).toString('base64') }));
  add('hard', `https://api.gatewayz.ai/v1/conversations?next=${Buffer.from(JSON.stringify({ after: int(100, 999) })).toString('base64url')}`);
  add('hard', JSON.stringify({ error: { type: 'invalid_request_error', message: `No such checkout session: 'cs_test_a1${pick(B62, 56)}'` } }));
  add('hard', `docker: Error response from daemon: container ${hex(12)} is not running`);
  add('hard', `pod gateway-${hex(10)}-${pick('bcdfghjklmnpqrstvwxz2456789', 5)} OOMKilled (exit 137)`);
  add('hard', `The requested resource /2010-04-01/Accounts/AC${hex(32)}/Messages.json was not found`);
  add('hard', `etag: W/"${hex(32)}"`);
}

writeFileSync(
  new URL('../test/corpora/benign-api.json', import.meta.url),
  `${JSON.stringify({ description: 'Real-shaped API error bodies and the ids around them (OpenAI-, Anthropic-, OpenRouter-style errors, proxies\' HTML error pages, request ids, model ids, labelled commit hashes, UUIDs, timestamps, URLs): none holds a secret; each must survive scrubbing unchanged. Generated by scripts/generateBenignCorpus.mjs (seeded).', samples }, null, 1)}\n`,
);
const counts = {};
for (const s of samples) counts[s.category] = (counts[s.category] ?? 0) + 1;
console.log(`benign-api.json: ${samples.length} samples`, counts);
