/** The name people see in titles and headings; one place so a rename is one edit. */
export const PRODUCT_NAME = "Webmail";
