/** The error a decoder throws for the page to show as is (format packages throw VfxError). */
export class ViewError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
