import { EmojiPicker } from "frimousse";

/** The picker's face (frimousse draws nothing of its own). Its own module, so that frimousse
 * loads only when someone first opens the picker. The emoji data comes from our server
 * (vite.config.ts copies emojibase-data to /emoji), never from a CDN. */
export default function EmojiPanel({ onPick }: { onPick: (emoji: string) => void }) {
  return (
    <EmojiPicker.Root
      emojibaseUrl="/emoji"
      columns={8}
      onEmojiSelect={({ emoji }) => onPick(emoji)}
      className="isolate flex h-[min(22rem,50vh)] w-fit flex-col bg-base-100"
    >
      <EmojiPicker.Search
        autoFocus
        aria-label="Search emoji"
        placeholder="Search emoji"
        className="input input-sm z-10 mx-2 mt-2 w-auto appearance-none"
      />
      <EmojiPicker.Viewport className="relative flex-1 outline-none">
        <EmojiPicker.Loading className="absolute inset-0 flex items-center justify-center text-sm text-base-content/70">
          Loading…
        </EmojiPicker.Loading>
        <EmojiPicker.Empty className="absolute inset-0 flex items-center justify-center text-sm text-base-content/70">
          No emoji found.
        </EmojiPicker.Empty>
        <EmojiPicker.List
          className="select-none pb-1.5"
          components={{
            CategoryHeader: ({ category, ...props }) => (
              <div {...props} className="bg-base-100 px-3 pt-2.5 pb-1 text-xs font-medium text-base-content/70">
                {category.label}
              </div>
            ),
            Row: ({ children, ...props }) => (
              <div {...props} className="scroll-my-1.5 px-1.5">
                {children}
              </div>
            ),
            Emoji: ({ emoji, ...props }) => (
              <button {...props} className="flex size-9 items-center justify-center rounded-field text-xl data-[active]:bg-base-200">
                {emoji.emoji}
              </button>
            ),
          }}
        />
      </EmojiPicker.Viewport>
    </EmojiPicker.Root>
  );
}
