import type { Reply } from "../support/http-server";

/** A Chat Completions response body in the real format (see ../shared/reference/openai). */
export const chatCompletionBody = (
  message: { content: string | null; refusal?: string | null },
  finishReason = "stop",
  usage = { prompt: 412, completion: 38 },
) => ({
  id: "chatcmpl-test",
  object: "chat.completion",
  created: 1727346143,
  model: "gpt-4o-mini-2024-07-18",
  choices: [
    {
      index: 0,
      message: { role: "assistant", refusal: null, ...message },
      logprobs: null,
      finish_reason: finishReason,
    },
  ],
  usage: {
    prompt_tokens: usage.prompt,
    completion_tokens: usage.completion,
    total_tokens: usage.prompt + usage.completion,
  },
  system_fingerprint: "fp_test",
});

/** An OpenAI API error reply: status, request id header and the `{ error }` body. */
export const apiErrorReply = (status: number, type: string, code: string | null, message: string): Reply => ({
  status,
  headers: { "x-request-id": "req_test" },
  body: { error: { message, type, param: null, code } },
});
