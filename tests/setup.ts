// @peculiar/x509 needs the reflect-metadata polyfill loaded before it.
import 'reflect-metadata';
