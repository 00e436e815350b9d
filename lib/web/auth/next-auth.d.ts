import "next-auth";

declare module "next-auth" {
  // What authorize() hands to the jwt callback at sign-in; never sent to the browser.
  interface User {
    sealedPassword?: string;
  }
}
