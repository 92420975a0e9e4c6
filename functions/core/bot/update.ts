import * as z from "zod";

/**
 * The parts of a Telegram Update (https://core.telegram.org/bots/api#update) the bot reads. Objects
 * are loose: Telegram adds fields over time, and an unknown field must not reject an update.
 */
const User = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  username: z.string().optional(),
});

const Chat = z.looseObject({
  id: z.number().int(),
  type: z.enum(["private", "group", "supergroup", "channel"]),
  title: z.string().optional(),
  username: z.string().optional(),
});

const Message = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int(),
  chat: Chat,
  from: User.optional(),
  text: z.string().optional(),
});
export type TelegramMessage = z.infer<typeof Message>;

const CallbackQuery = z.looseObject({
  id: z.string().min(1),
  from: User,
  /** Absent for buttons on inline-mode messages; `date: 0` when the message is too old to access. */
  message: z.looseObject({ message_id: z.number().int(), chat: Chat }).optional(),
  chat_instance: z.string(),
  data: z.string().optional(),
});
export type TelegramCallbackQuery = z.infer<typeof CallbackQuery>;

export const UpdateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: Message.optional(),
  edited_message: Message.optional(),
  channel_post: Message.optional(),
  edited_channel_post: Message.optional(),
  callback_query: CallbackQuery.optional(),
});
export type TelegramUpdate = z.infer<typeof UpdateSchema>;

/** The update kinds the webhook asks Telegram for (setWebhook allowed_updates). */
export const ALLOWED_UPDATES = ["message", "edited_message", "callback_query"] as const;
