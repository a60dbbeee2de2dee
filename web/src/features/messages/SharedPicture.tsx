/**
 * A message's picture, whole and with its ratio kept, inside a box of at most 15rem high and
 * the bubble's width. With the size the server stored (imageWidth/imageHeight) the box is that
 * shape before a byte has loaded: the row is as tall before as after, and nothing below or
 * above it moves. Without (an old server, a picture still on its way from here), a box of the
 * full 15rem height, the picture contained in it: as tall before as after too, only wider or
 * narrower than the picture.
 */

/** The tallest a picture is shown; a wide one is narrowed by the bubble instead. */
const MAX_HEIGHT_REM = 15;
const ROUNDED = "rounded-[calc(var(--radius-field)*0.9)] bg-base-300";

interface Props {
  src: string;
  /** The stored picture's size in pixels, when the message carries it. */
  width?: number | undefined;
  height?: number | undefined;
}

export function SharedPicture({ src, width, height }: Props) {
  if (!width || !height) {
    return <img src={src} alt="Shared picture" className={`h-60 w-auto min-w-32 max-w-full object-contain ${ROUNDED}`} />;
  }
  // No wider than the picture itself, nor than makes it taller than the box; the width and
  // height attributes give the browser the ratio (aspect-ratio) for the height, before it loads.
  return (
    <img
      src={src}
      alt="Shared picture"
      width={width}
      height={height}
      style={{ width: `min(${width}px, ${((MAX_HEIGHT_REM * width) / height).toFixed(3)}rem)` }}
      className={`block h-auto max-w-full ${ROUNDED}`}
    />
  );
}
