/** Why a delivery was refused, and the HTTP status that says so. */
export class DeliveryRejected extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'DeliveryRejected';
  }
}
